"""link nonces: every e-mailed link works once, and only the newest one

Revision ID: 11a4c0de0e2d
Revises: 5e55a0e4c0de
Create Date: 2026-11-29 18:40:00

Each existing researcher gets a random nonce; links sent before the upgrade carry none and stop working.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '11a4c0de0e2d'
down_revision = '5e55a0e4c0de'
branch_labels = None
depends_on = None


def random_hex_sql() -> str:
    """32 random hex characters, in this database's SQL."""
    if op.get_bind().dialect.name == 'postgresql':
        return "md5(random()::text || clock_timestamp()::text || id::text)"
    return "lower(hex(randomblob(16)))"


def upgrade():
    with op.batch_alter_table('researchers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_nonce', sa.String(length=32), nullable=False, server_default=''))
    op.execute(f"UPDATE researchers SET link_nonce = {random_hex_sql()}")


def downgrade():
    with op.batch_alter_table('researchers', schema=None) as batch_op:
        batch_op.drop_column('link_nonce')
