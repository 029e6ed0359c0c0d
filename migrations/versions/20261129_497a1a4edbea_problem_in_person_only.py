"""problem in person only: distance excludes only when the agency needs someone in person

Revision ID: 497a1a4edbea
Revises: 61f3bda645f9
Create Date: 2026-11-29 17:42:01.883602

Existing problem statements only preferred a nearby researcher, so they start as False.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '497a1a4edbea'
down_revision = '61f3bda645f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_person_only', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_column('in_person_only')
