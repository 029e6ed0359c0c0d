"""coordinator link nonce: invitation and password-reset links work once, and only the newest one

Revision ID: 7ea3c0de0e2d
Revises: 5106a15e7c0d
Create Date: 2026-11-29 21:30:00

Each existing coordinator gets a random nonce.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7ea3c0de0e2d'
down_revision = '5106a15e7c0d'
branch_labels = None
depends_on = None


# SQLite rebuilds the table to drop a column: keep AUTOINCREMENT (ids in URLs are never reused).
KEEP_IDS = {'sqlite_autoincrement': True}


def random_hex_sql() -> str:
    """32 random hex characters, in this database's SQL."""
    if op.get_bind().dialect.name == 'postgresql':
        return "md5(random()::text || clock_timestamp()::text || id::text)"
    return "lower(hex(randomblob(16)))"


def upgrade():
    with op.batch_alter_table('coordinators', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('link_nonce', sa.String(length=32), nullable=False, server_default=''))
    op.execute(f"UPDATE coordinators SET link_nonce = {random_hex_sql()}")


def downgrade():
    with op.batch_alter_table('coordinators', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_column('link_nonce')
