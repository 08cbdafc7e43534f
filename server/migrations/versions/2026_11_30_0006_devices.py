"""devices: the desks users sign in from, revocable by an administrator

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=True),
    sa.Column('first_seen', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_ip', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('revoked_at', server.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('wiped_at', server.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('wipe_token_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], name=op.f('fk_devices_revoked_by_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_devices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices'))
    )
    op.create_index(op.f('ix_devices_device_key'), 'devices', ['device_key'], unique=False)
    op.create_index(op.f('ix_devices_family'), 'devices', ['family'], unique=False)
    op.create_index(op.f('ix_devices_user_id'), 'devices', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_devices_user_id'), table_name='devices')
    op.drop_index(op.f('ix_devices_family'), table_name='devices')
    op.drop_index(op.f('ix_devices_device_key'), table_name='devices')
    op.drop_table('devices')
