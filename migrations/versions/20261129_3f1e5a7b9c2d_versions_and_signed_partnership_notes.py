"""versions on problems, partnerships and suggestions; partnership notes as dated, signed entries

Revision ID: 3f1e5a7b9c2d
Revises: 5a6d3c0ffee1
Create Date: 2026-11-29 23:00:00

A version column on each record a coordinator edits (status, stage, decision): a save from a page showing an
older version is refused. A partnership's one overwritable notes field becomes a table of appended entries;
existing notes become one entry each, signed and dated by the last "notes updated" audit event when there is
one. Downgrading joins the entries back into the field, newest first.
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f1e5a7b9c2d'
down_revision = '5a6d3c0ffee1'
branch_labels = None
depends_on = None

# SQLite rebuilds the table to drop a column: keep AUTOINCREMENT (ids in URLs are never reused).
KEEP_IDS = {'sqlite_autoincrement': True}
VERSIONED = ('problems', 'partnerships', 'suggestions')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None, table_kwargs=KEEP_IDS) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    notes = op.create_table(
        'partnership_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('coordinator_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['coordinator_id'], ['coordinators.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('partnership_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_notes_partnership_id'), ['partnership_id'], unique=False)
    op.bulk_insert(notes, _existing_notes())
    with op.batch_alter_table('partnerships', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_column('notes')


def _existing_notes() -> list[dict]:
    """One entry per non-empty notes field, signed by whoever last saved it (from the audit log)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, notes, introduced_at FROM partnerships WHERE notes IS NOT NULL AND notes <> ''")).all()
    coordinators = {row[0] for row in bind.execute(sa.text("SELECT id FROM coordinators"))}
    entries = []
    for partnership_id, body, introduced_at in rows:
        last = bind.execute(sa.text(
            "SELECT actor, at FROM audit_events WHERE action = 'partnership.notes_updated'"
            " AND record_type = 'partnership' AND record_id = :id ORDER BY at DESC, id DESC LIMIT 1"),
            {'id': partnership_id}).first()
        author, at = None, introduced_at
        if last is not None:
            at = last[1]
            kind, _, raw = last[0].partition(':')
            if kind == 'coordinator' and raw.isdigit() and int(raw) in coordinators:
                author = int(raw)
        entries.append({'partnership_id': partnership_id, 'coordinator_id': author, 'body': body,
                        'created_at': _moment(at)})
    return entries


def _moment(value) -> datetime:
    """A stored time as a datetime (SQLite hands plain SQL results back as text)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def downgrade():
    with op.batch_alter_table('partnerships', schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    joined: dict[int, list[str]] = {}
    for partnership_id, body, created_at, name in bind.execute(sa.text(
            "SELECT n.partnership_id, n.body, n.created_at, c.name FROM partnership_notes n"
            " LEFT JOIN coordinators c ON c.id = n.coordinator_id ORDER BY n.created_at DESC, n.id DESC")):
        day = str(created_at)[:16]
        joined.setdefault(partnership_id, []).append(f"{day} {name or ''}".rstrip() + f":\n{body}")
    for partnership_id, entries in joined.items():
        bind.execute(sa.text("UPDATE partnerships SET notes = :notes WHERE id = :id"),
                     {'notes': "\n\n".join(entries), 'id': partnership_id})
    op.drop_table('partnership_notes')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None, table_kwargs=KEEP_IDS) as batch_op:
            batch_op.drop_column('version')
