"""assignment proposals: a global-assignment proposal and its rows, kept until applied or discarded

Revision ID: a551e0c0ffee
Revises: 3f1e5a7b9c2d
Create Date: 2026-11-29 23:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a551e0c0ffee'
down_revision = '3f1e5a7b9c2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'assignment_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('settings', sa.JSON(), nullable=False),
        sa.Column('total', sa.Double(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('personal_note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['coordinators.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['closed_by_id'], ['coordinators.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('uq_assignment_proposals_one_open', 'assignment_proposals', ['status'], unique=True,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
    op.create_table(
        'assignment_proposal_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('problem_id', sa.Integer(), nullable=False),
        sa.Column('researcher_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Double(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('problem_status', sa.String(length=20), nullable=False),
        sa.Column('free_capacity', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['proposal_id'], ['assignment_proposals.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['researcher_id'], ['researchers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('proposal_id', 'problem_id', 'researcher_id'),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_assignment_proposal_rows_proposal_id'), 'assignment_proposal_rows', ['proposal_id'])
    op.create_index(op.f('ix_assignment_proposal_rows_problem_id'), 'assignment_proposal_rows', ['problem_id'])
    op.create_index(op.f('ix_assignment_proposal_rows_researcher_id'), 'assignment_proposal_rows', ['researcher_id'])


def downgrade():
    op.drop_table('assignment_proposal_rows')
    op.drop_index('uq_assignment_proposals_one_open', table_name='assignment_proposals')
    op.drop_table('assignment_proposals')
