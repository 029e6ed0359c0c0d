"""drop problems.show_agency_name: researchers never see problem statements before an introduction

Revision ID: d40a9e5c1a1e
Revises: a0701dc0ffee
Create Date: 2026-11-29 21:00:00

The form promised that researchers would see a statement without the agency's name until an introduction, but
researchers never see statements at all; the question and its stored answer are gone.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd40a9e5c1a1e'
down_revision = 'a0701dc0ffee'
branch_labels = None
depends_on = None


# SQLite rebuilds the table to drop a column: keep AUTOINCREMENT (ids in URLs are never reused).
KEEP_IDS = {'sqlite_autoincrement': True}


def upgrade():
    with op.batch_alter_table('problems', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_column('show_agency_name')


def downgrade():
    with op.batch_alter_table('problems', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('show_agency_name', sa.Boolean(), nullable=False, server_default=sa.false()))
