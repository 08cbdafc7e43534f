"""administration: departments can be deactivated, categories have English names, review chains are versioned rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_chain_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('chains', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_review_chain_versions_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_chain_versions'))
    )
    with op.batch_alter_table('review_chain_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_chain_versions_effective_from'), ['effective_from'], unique=False)

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=100), server_default='', nullable=False))

    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('name_en')

    with op.batch_alter_table('review_chain_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_chain_versions_effective_from'))

    op.drop_table('review_chain_versions')
