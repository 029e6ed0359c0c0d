"""contact relay: contact requests, researchers' accepts_messages, the outbox's reply_to

Revision ID: c0a7ac7e1a1e
Revises: 7ea3c0de0e2d
Create Date: 2026-11-29 21:40:00

Every researcher accepts messages until they opt out; every stored message keeps an empty Reply-To.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a7ac7e1a1e'
down_revision = '7ea3c0de0e2d'
branch_labels = None
depends_on = None


# SQLite rebuilds a table to drop a column: keep AUTOINCREMENT (ids in URLs are never reused).
KEEP_IDS = {'sqlite_autoincrement': True}


def upgrade():
    op.create_table(
        'contact_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('researcher_id', sa.Integer(), nullable=True),
        sa.Column('sender_name', sa.String(length=120), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('sender_email', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=150), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome_note', sa.String(length=200), nullable=False),
        sa.Column('token_nonce', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['researcher_id'], ['researchers.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_requests_researcher_id'), ['researcher_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_requests_sender_email'), ['sender_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_requests_status'), ['status'], unique=False)
    # add_column alone never rebuilds a table, even on SQLite.
    op.add_column('researchers', sa.Column('accepts_messages', sa.Boolean(), nullable=False,
                                           server_default=sa.true()))
    op.add_column('outbox_messages', sa.Column('reply_to', sa.String(length=254), nullable=False,
                                               server_default=''))


def downgrade():
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_requests_status'))
        batch_op.drop_index(batch_op.f('ix_contact_requests_sender_email'))
        batch_op.drop_index(batch_op.f('ix_contact_requests_researcher_id'))
        batch_op.drop_index(batch_op.f('ix_contact_requests_created_at'))
    op.drop_table('contact_requests')
    with op.batch_alter_table('outbox_messages', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_column('reply_to')
    with op.batch_alter_table('researchers', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_column('accepts_messages')
