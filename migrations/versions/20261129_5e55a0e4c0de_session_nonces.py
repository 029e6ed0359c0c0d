"""session nonces: sign-out, a new password or deactivation end every session of an account

Revision ID: 5e55a0e4c0de
Revises: 497a1a4edbea
Create Date: 2026-11-29 18:30:00

Each existing account gets a random nonce; sessions started before the upgrade carry none and end.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e55a0e4c0de'
down_revision = '497a1a4edbea'
branch_labels = None
depends_on = None

TABLES = ('coordinators', 'researchers')


def random_hex_sql() -> str:
    """32 random hex characters, in this database's SQL."""
    if op.get_bind().dialect.name == 'postgresql':
        return "md5(random()::text || clock_timestamp()::text || id::text)"
    return "lower(hex(randomblob(16)))"


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=False, server_default=''))
        op.execute(f"UPDATE {table} SET session_nonce = {random_hex_sql()}")


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('session_nonce')
