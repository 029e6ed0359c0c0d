"""agency round two: a submission key per form (a statement sent twice is stored once); show_agency_name dropped

Revision ID: d40a9e5c1a1e
Revises: a0701dc0ffee
Create Date: 2026-11-29 21:00:00

The form promised that researchers would see a statement without the agency's name until an introduction, but
researchers never see statements at all; the question and its stored answer are gone. Existing statements
have no submission key (NULL), which the unique constraint allows any number of times.
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
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_problems_submission_key', ['submission_key'])


def downgrade():
    with op.batch_alter_table('problems', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_constraint('uq_problems_submission_key', type_='unique')
        batch_op.drop_column('submission_key')
        batch_op.add_column(sa.Column('show_agency_name', sa.Boolean(), nullable=False, server_default=sa.false()))
