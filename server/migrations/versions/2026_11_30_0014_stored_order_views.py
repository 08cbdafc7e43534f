"""stored order views for sync pull; an order's audit records by (order_id, seq)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 19:20:00

``order_views``: the part of each order's view that is the same for every caller, as JSON text,
stamped with the order's last audit record when it was built. A pull page splices it with what
depends on the caller (the citizen as they may see them, their co-handling deadline, the commands
they may give) instead of building every order's view again for every pull. Filled as pulls ask
(``server.sync.stored_views``); empty after this step.

``ix_audit_log_order_id_seq``: a pull page reads its orders' events, ``order_id IN (…) AND seq >
:after AND seq <= :upto``. With an index on ``order_id`` alone SQLite chose the range on ``seq`` —
a scan of the whole chain for every page, so a page cost more the bigger the city. The new index
serves every query the old one did (its first column) and gives each order's last record, the
stamp above, from the index alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'order_views',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_views_order_id_orders'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_views')),
    )
    op.create_index('ix_audit_log_order_id_seq', 'audit_log', ['order_id', 'seq'])
    op.drop_index('ix_audit_log_order_id', table_name='audit_log')


def downgrade() -> None:
    op.create_index('ix_audit_log_order_id', 'audit_log', ['order_id'])
    op.drop_index('ix_audit_log_order_id_seq', table_name='audit_log')
    op.drop_table('order_views')
