"""centre memberships: requests to join a centre, approved members and their roles; centres the coordinators
administer. The creator of a centre becomes its administrator and its researchers approved members.

Revision ID: ce27e1a1b2c3
Revises: d4af7ed1a1e5
Create Date: 2026-11-29 23:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ce27e1a1b2c3'
down_revision = 'd4af7ed1a1e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'centre_memberships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('researcher_id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('role', sa.String(length=15), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['research_centres.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['researcher_id'], ['researchers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('researcher_id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_centre_memberships_centre_id', 'centre_memberships', ['centre_id'])
    with op.batch_alter_table('research_centres', table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('administered_by_coordinators', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _adopt_existing_members()


def _adopt_existing_members():
    """Researchers in a centre become approved members; its creator, or else its longest-standing listed
    member, its administrator; a centre with neither is administered by the coordinators."""
    connection = op.get_bind()
    connection.execute(sa.text(
        "INSERT INTO centre_memberships (researcher_id, centre_id, status, role, requested_at, decided_at,"
        " decided_by) SELECT id, centre_id, 'approved', 'member', created_at, created_at, 'system'"
        " FROM researchers WHERE centre_id IS NOT NULL"))
    creators = dict(connection.execute(sa.text("SELECT id, created_by_id FROM research_centres")).all())
    listed = connection.execute(sa.text(
        "SELECT id, centre_id FROM researchers WHERE centre_id IS NOT NULL AND confirmed_at IS NOT NULL"
        " AND hidden = :no ORDER BY created_at, id"), {"no": False}).all()
    administrators = {}
    for researcher_id, centre_id in listed:  # oldest first: the creator, or else the first one
        if researcher_id == creators[centre_id]:
            administrators[centre_id] = researcher_id
        else:
            administrators.setdefault(centre_id, researcher_id)
    if administrators:
        connection.execute(sa.text("UPDATE centre_memberships SET role = 'administrator' WHERE researcher_id IN :ids")
                           .bindparams(sa.bindparam("ids", expanding=True)), {"ids": list(administrators.values())})
    orphaned = [centre_id for centre_id in creators if centre_id not in administrators]
    if orphaned:
        connection.execute(sa.text("UPDATE research_centres SET administered_by_coordinators = :yes"
                                   " WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
                           {"yes": True, "ids": orphaned})


def downgrade():
    with op.batch_alter_table('research_centres', table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column('administered_by_coordinators')
    op.drop_index('ix_centre_memberships_centre_id', table_name='centre_memberships')
    op.drop_table('centre_memberships')
