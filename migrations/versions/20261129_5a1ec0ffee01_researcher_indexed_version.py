"""researcher indexed version: each profile change is stamped with the corpus version that made it

Revision ID: 5a1ec0ffee01
Revises: d40a9e5c1a1e
Create Date: 2026-11-29 20:40:00

Processes catch their text index up by reloading the profiles stamped above the version they hold, instead
of a clock window. Existing profiles get the current version (a process fits from scratch after the upgrade
anyway), and the version row is created if it is missing, so the hook only ever updates it.
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a1ec0ffee01'
down_revision = 'd40a9e5c1a1e'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('researchers', sa.Column('indexed_version', sa.Integer(), nullable=False, server_default='0'))
    op.create_index('ix_researchers_indexed_version', 'researchers', ['indexed_version'])
    op.execute(sa.text("INSERT INTO corpus_version (id, version, changed_at) SELECT 1, 0, :now "
                       "WHERE NOT EXISTS (SELECT 1 FROM corpus_version WHERE id = 1)")
               .bindparams(now=datetime.now(UTC).replace(tzinfo=None)))
    op.execute("UPDATE researchers SET indexed_version = (SELECT version FROM corpus_version WHERE id = 1)")


def downgrade():
    op.drop_index('ix_researchers_indexed_version', table_name='researchers')
    with op.batch_alter_table('researchers', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('indexed_version')
