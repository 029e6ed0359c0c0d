"""slug lists as json: topics, methods, help, terms and data lists become JSON arrays (JSONB on PostgreSQL)

Revision ID: 5106a15e7c0d
Revises: 0bc1d5e0f1a2
Create Date: 2026-11-29 20:40:00

The lists were '|a|b|' text filtered with LIKE. Each value is rewritten as a JSON array ('' becomes []),
then the column's type changes: JSONB on PostgreSQL (with a GIN index on problems.topics, which the
coordinators' topic filter reads with `@>`), JSON on SQLite (tables rebuilt, keeping AUTOINCREMENT).
The downgrade changes the types back and rewrites the arrays as '|a|b|'.
"""
import json

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '5106a15e7c0d'
down_revision = '0bc1d5e0f1a2'
branch_labels = None
depends_on = None

SLUG_LISTS = {
    'research_centres': ('topics',),
    'researchers': ('topics', 'methods', 'help_offered', 'terms'),
    'problems': ('topics', 'help_wanted', 'data_available'),
}
TOPIC_INDEX = 'ix_problems_topics'


def piped_to_json(value):
    return json.dumps([part for part in (value or '').split('|') if part])


def json_to_piped(value):
    slugs = json.loads(value) if value else []
    return '|' + '|'.join(slugs) + '|' if slugs else ''


def rewrite(table, columns, convert):
    """Rewrite every value of these text columns with convert, row by row."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
    if not rows:
        return
    assignments = ', '.join(f"{column} = :{column}" for column in columns)
    bind.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"),
                 [{'id': row[0], **{column: convert(value) for column, value in zip(columns, row[1:])}}
                  for row in rows])


def change_types(table, columns, old, new):
    if op.get_bind().dialect.name == 'postgresql':
        cast_to = 'JSONB' if isinstance(new, sa.JSON) else 'TEXT'
        for column in columns:
            op.alter_column(table, column, existing_type=old, type_=new, existing_nullable=False,
                            postgresql_using=f'{column}::{cast_to}')
        return
    with op.batch_alter_table(table, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        for column in columns:
            batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=False)


def upgrade():
    json_type = postgresql.JSONB() if op.get_bind().dialect.name == 'postgresql' else sa.JSON()
    for table, columns in SLUG_LISTS.items():
        rewrite(table, columns, piped_to_json)
        change_types(table, columns, sa.Text(), json_type)
    op.create_index(TOPIC_INDEX, 'problems', ['topics'], postgresql_using='gin',
                    postgresql_ops={'topics': 'jsonb_path_ops'})


def downgrade():
    json_type = postgresql.JSONB() if op.get_bind().dialect.name == 'postgresql' else sa.JSON()
    op.drop_index(TOPIC_INDEX, table_name='problems')
    for table, columns in SLUG_LISTS.items():
        change_types(table, columns, json_type, sa.Text())
        rewrite(table, columns, json_to_piped)
