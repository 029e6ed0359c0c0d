"""sqlite never reuses ids: AUTOINCREMENT for tables whose ids appear in URLs or the audit log

Revision ID: a0701dc0ffee
Revises: 11a4c0de0e2d
Create Date: 2026-11-29 18:50:00

SQLite gave a deleted record's id to the next one (the audit log then mixed two people). Each table is
rebuilt with AUTOINCREMENT, keeping its rows and ids; env.py turns foreign keys off meanwhile, so no cascade
fires. PostgreSQL's sequences never reuse ids: nothing to do there.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a0701dc0ffee'
down_revision = '11a4c0de0e2d'
branch_labels = None
depends_on = None

TABLES = ('coordinators', 'research_centres', 'researchers', 'problems', 'suggestions', 'partnerships',
          'outbox_messages')


def rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass


def upgrade():
    rebuild(True)


def downgrade():
    rebuild(False)
