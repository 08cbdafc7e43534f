"""a reply draft keeps the knowledge entries it cites

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 13:30:00

``orders.draft_knowledge_entries``: the knowledge entries (知识库) the saved draft cites, as
``[{"id", "title"}]``; 保存草稿 dropped them, so the reply submitted from a reopened draft cited
nothing and the entries' usage missed it. Existing drafts cite nothing (``[]``).

``order_views``: emptied. A stored view is served while its order has no newer audit record, and the
views stored before this step have no ``knowledge_entries`` in their draft; the pulls build them
again as they meet them, as after 0014.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_knowledge_entries', sa.JSON(), nullable=False, server_default='[]'))
    op.execute('DELETE FROM order_views')


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('draft_knowledge_entries')
    op.execute('DELETE FROM order_views')
