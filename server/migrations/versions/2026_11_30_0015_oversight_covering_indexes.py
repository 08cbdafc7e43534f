"""oversight measures read from covering indexes (PostgreSQL)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 19:20:00

The ranking and the hot issues of a month over 1,000,000 orders read ~320,000 measure facts and
~170,000 orders; a good part of their time went to fetching those rows from the tables. The two
indexes they scan now carry the columns the measures count (``INCLUDE``), so PostgreSQL answers
from the index alone (an index-only scan): ``ix_measure_facts_department_kind_at`` with what each
fact kind counts (the ranking asks for every department, a department's month for one: both read
this index; with the columns on ``ix_measure_facts_kind_at`` instead the planner took that one for
a single department too, and filtered out 19 of every 20 rows), ``ix_orders_received_at`` with what
intake is grouped by. Same names, same keys; SQLite has no ``INCLUDE`` and keeps the indexes it has
(see bench/measures.py for the figures).
"""

from __future__ import annotations

from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

FACT_COLUMNS = [
    'on_time', 'signed_at', 'result', 'work_seconds', 'leader_seconds',
    'category_code', 'channel', 'until',
]
INTAKE_COLUMNS = ['state', 'closed_at', 'category_code', 'district', 'street', 'tags']


def _indexes(facts: list[str], intake: list[str]) -> None:
    op.drop_index('ix_measure_facts_department_kind_at', table_name='measure_facts')
    op.create_index(
        'ix_measure_facts_department_kind_at', 'measure_facts', ['department_id', 'kind', 'at'],
        postgresql_include=facts,
    )
    op.drop_index('ix_orders_received_at', table_name='orders')
    op.create_index('ix_orders_received_at', 'orders', ['received_at'], postgresql_include=intake)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _indexes(FACT_COLUMNS, INTAKE_COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _indexes([], [])
