"""the centre's workstation: callback verdicts, intake look-ups by phone, address and similar text

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:00:00

pg_trgm is a trusted extension from PostgreSQL 13, so a database owner may create it; where it
cannot be installed (not shipped, no right), the trigram index is left out and similar text is
found by the portable fallback (server.orders.similar) — the migration never fails for it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('callbacks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('citizen_words', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_citizen_phone', ['citizen_phone'], unique=False)
        batch_op.create_index('ix_orders_callback_number', ['callback_number'], unique=False)
        batch_op.create_index('ix_orders_address', ['address'], unique=False)
        batch_op.create_index('ix_orders_category_id', ['category_code', 'id'], unique=False)
        batch_op.create_index('ix_orders_state_replied', ['state', 'replied_at', 'id'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and _trigrams_available(bind):
        # Open orders only: the ones offered for merging.
        op.create_index(
            'ix_orders_title_trgm', 'orders', ['title'], postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'},
            postgresql_where=sa.text(
                "state IN ('dispatched', 'in_progress', 'in_review', 'received', 'replied', 'return_requested')"
            ),
        )


def _trigrams_available(bind: sa.Connection) -> bool:
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        return True
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first():
        return False
    try:
        with bind.begin_nested():  # a refusal (no right) must not abort the migration's transaction
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
    except sa.exc.DBAPIError:
        return False
    return True


def downgrade() -> None:
    op.execute('DROP INDEX IF EXISTS ix_orders_title_trgm')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_state_replied')
        batch_op.drop_index('ix_orders_category_id')
        batch_op.drop_index('ix_orders_address')
        batch_op.drop_index('ix_orders_callback_number')
        batch_op.drop_index('ix_orders_citizen_phone')
    with op.batch_alter_table('callbacks', schema=None) as batch_op:
        batch_op.drop_column('citizen_words')
        batch_op.drop_column('resolved')
