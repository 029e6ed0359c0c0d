"""suggestions added by a coordinator (found by search) and exclusions overridden with a reason

Revision ID: 5a6d3c0ffee1
Revises: 0a5e1c0ffee5
Create Date: 2026-11-29 23:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a6d3c0ffee1'
down_revision = '0a5e1c0ffee5'
branch_labels = None
depends_on = None


# SQLite rebuilds the table for a foreign key: keep AUTOINCREMENT (ids in URLs are never reused).
KEEP_IDS = {'sqlite_autoincrement': True}


def upgrade():
    with op.batch_alter_table('suggestions', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('added_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('added_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('overridden', sa.JSON(), nullable=True))
        batch_op.create_foreign_key('fk_suggestions_added_by', 'coordinators', ['added_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('suggestions', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_constraint('fk_suggestions_added_by', type_='foreignkey')
        batch_op.drop_column('overridden')
        batch_op.drop_column('added_by_id')
        batch_op.drop_column('added_at')
