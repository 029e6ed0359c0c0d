"""profile drafts: what a researcher typed when their session had ended, brought back after signing in again

Revision ID: d4af7ed1a1e5
Revises: c0a7ac7e1a1e
Create Date: 2026-11-29 21:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4af7ed1a1e5'
down_revision = 'c0a7ac7e1a1e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'profile_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('researcher_id', sa.Integer(), nullable=False),
        sa.Column('form_data', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['researcher_id'], ['researchers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('researcher_id'),
    )


def downgrade():
    op.drop_table('profile_drafts')
