"""researcher orcid and web page: an ORCID iD and a web page on the public profile

Revision ID: 0bc1d5e0f1a2
Revises: 5a1ec0ffee01
Create Date: 2026-11-29 20:25:00

Existing profiles start with neither (empty text).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0bc1d5e0f1a2'
down_revision = '5a1ec0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('researchers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('orcid', sa.String(length=19), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('website', sa.String(length=300), nullable=False, server_default=''))


def downgrade():
    # On SQLite dropping a column rebuilds the table: keep AUTOINCREMENT (ids are never reused).
    with op.batch_alter_table('researchers', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('website')
        batch_op.drop_column('orcid')
