"""notifications: deadline warnings, overdue escalation, 督办, 催办 and 督办反馈, stored per recipient

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.String(length=20), nullable=True),
    sa.Column('due_at', server.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('lead_minutes', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('read_at', server.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_notifications_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'key', name='uq_notifications_user_key')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id_id', ['user_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_order_id'), ['order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_order_id'))
        batch_op.drop_index('ix_notifications_user_id_id')
    op.drop_table('notifications')
