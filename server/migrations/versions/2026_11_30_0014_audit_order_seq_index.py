"""an order's audit records by (order_id, seq)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 19:20:00

A sync pull page reads its orders' events: ``order_id IN (…) AND seq > :after AND seq <= :upto``.
With an index on ``order_id`` alone, SQLite chose the range on ``seq`` — a scan of the whole chain
for every page, so a page cost more the bigger the city (on 200,000 orders the server's CPU per
1,000 orders pulled was three times that on 10,000). With both columns in one index the page reads
its orders' records only. The new index serves every query the old one did (its first column).
"""

from __future__ import annotations

from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_log_order_id_seq', 'audit_log', ['order_id', 'seq'])
    op.drop_index('ix_audit_log_order_id', table_name='audit_log')


def downgrade() -> None:
    op.create_index('ix_audit_log_order_id', 'audit_log', ['order_id'])
    op.drop_index('ix_audit_log_order_id_seq', table_name='audit_log')
