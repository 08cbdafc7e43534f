"""server instance id: a stable identity for desktop clients' local profiles

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:40:00
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import server.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('server_instance',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('instance_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_instance'))
    )
    # Every database gets its identity once, here: a fresh one at init-db, an existing one on upgrade.
    op.bulk_insert(table, [{'id': 1, 'instance_id': str(uuid.uuid4()), 'created_at': datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table('server_instance')
