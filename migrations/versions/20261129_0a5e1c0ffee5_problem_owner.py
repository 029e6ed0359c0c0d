"""problem owner: the coordinator who looks after a problem, who wrote each follow-up, when a reply was seen

Revision ID: 0a5e1c0ffee5
Revises: ce27e1a1b2c3
Create Date: 2026-11-29 23:00:00

Existing problems start unassigned (notices keep going to the whole team); existing follow-ups keep no author.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a5e1c0ffee5'
down_revision = 'ce27e1a1b2c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('problems', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agency_reply_seen_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_problems_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key('fk_problems_owner_id_coordinators', 'coordinators', ['owner_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('problem_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coordinator_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_problem_updates_coordinator_id_coordinators', 'coordinators',
                                    ['coordinator_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('problem_updates', schema=None) as batch_op:
        batch_op.drop_constraint('fk_problem_updates_coordinator_id_coordinators', type_='foreignkey')
        batch_op.drop_column('coordinator_id')
    with op.batch_alter_table('problems', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint('fk_problems_owner_id_coordinators', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_problems_owner_id'))
        batch_op.drop_column('agency_reply_seen_at')
        batch_op.drop_column('owner_id')
