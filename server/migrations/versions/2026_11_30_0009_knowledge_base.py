"""the knowledge base (知识库): entries with versions and keywords, reply templates, citations by orders

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 16:00:00

Search: on PostgreSQL a pg_trgm GIN index over ``knowledge_entries.search_text`` where the
extension is there or can be created (as 0008 does for orders; never failing for it); on SQLite
an FTS5 trigram table over the same column, external content kept by triggers (a later batch
migration that copies ``knowledge_entries`` must recreate them). The sequence row starts at 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

FTS_TRIGGERS = {
    'knowledge_fts_ai': "AFTER INSERT ON knowledge_entries BEGIN "
    "INSERT INTO knowledge_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    'knowledge_fts_ad': "AFTER DELETE ON knowledge_entries BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    'knowledge_fts_au': "AFTER UPDATE OF search_text ON knowledge_entries BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO knowledge_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def upgrade() -> None:
    op.create_table('knowledge_sequence',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_sequence'))
    )
    op.create_table('knowledge_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('basis_document', sa.String(length=200), nullable=False),
    sa.Column('basis_number', sa.String(length=200), nullable=False),
    sa.Column('basis_article', sa.String(length=200), nullable=False),
    sa.Column('basis_issuer', sa.String(length=200), nullable=False),
    sa.Column('basis_effective_from', sa.Date(), nullable=True),
    sa.Column('basis_expires_on', sa.Date(), nullable=True),
    sa.Column('category_code', sa.String(length=20), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('left_department_id', sa.Integer(), nullable=True),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_knowledge_entries_author_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_knowledge_entries_department_id_departments')),
    sa.ForeignKeyConstraint(['left_department_id'], ['departments.id'], name=op.f('fk_knowledge_entries_left_department_id_departments')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_knowledge_entries_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entries'))
    )
    with op.batch_alter_table('knowledge_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_entries_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index('ix_knowledge_entries_status_department', ['status', 'department_id'], unique=False)

    op.create_table('reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_reply_templates_author_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_reply_templates_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates'))
    )
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_templates_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_templates_department_id'), ['department_id'], unique=False)

    op.create_table('knowledge_entry_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_knowledge_entry_versions_editor_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['knowledge_entries.id'], name=op.f('fk_knowledge_entry_versions_entry_id_knowledge_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entry_versions')),
    sa.UniqueConstraint('entry_id', 'version', name='uq_knowledge_entry_versions_entry_version')
    )
    op.create_table('knowledge_keywords',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('keyword', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['knowledge_entries.id'], name=op.f('fk_knowledge_keywords_entry_id_knowledge_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'keyword', name=op.f('pk_knowledge_keywords'))
    )
    with op.batch_alter_table('knowledge_keywords', schema=None) as batch_op:
        batch_op.create_index('ix_knowledge_keywords_keyword_entry', ['keyword', 'entry_id'], unique=False)

    op.create_table('knowledge_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('entry_version', sa.Integer(), nullable=False),
    sa.Column('command', sa.String(length=30), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', server.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_knowledge_uses_actor_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['knowledge_entries.id'], name=op.f('fk_knowledge_uses_entry_id_knowledge_entries')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_knowledge_uses_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_uses'))
    )
    with op.batch_alter_table('knowledge_uses', schema=None) as batch_op:
        batch_op.create_index('ix_knowledge_uses_at_entry', ['at', 'entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_uses_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_uses_order_id'), ['order_id'], unique=False)
    op.bulk_insert(sa.table('knowledge_sequence', sa.column('id'), sa.column('last')), [{'id': 1, 'last': 0}])
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and _trigrams_available(bind):
        op.create_index(
            'ix_knowledge_entries_search_trgm', 'knowledge_entries', ['search_text'], postgresql_using='gin',
            postgresql_ops={'search_text': 'gin_trgm_ops'},
        )
    if bind.dialect.name == 'sqlite' and _fts_trigrams_available(bind):
        op.execute(
            "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
            "search_text, content='knowledge_entries', content_rowid='id', tokenize='trigram')"
        )
        for name, body in FTS_TRIGGERS.items():
            op.execute(f'CREATE TRIGGER {name} {body}')


def _fts_trigrams_available(bind: sa.Connection) -> bool:
    """FTS5 with the trigram tokenizer (SQLite 3.34+ built with FTS5); without it search scans (LIKE)."""
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE VIRTUAL TABLE temp.casedesk_fts_probe USING fts5(x, tokenize='trigram')"))
            bind.execute(sa.text('DROP TABLE temp.casedesk_fts_probe'))
    except sa.exc.DBAPIError:
        return False
    return True


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
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for name in FTS_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE IF EXISTS knowledge_fts')
    op.execute('DROP INDEX IF EXISTS ix_knowledge_entries_search_trgm')
    op.drop_table('knowledge_uses')
    op.drop_table('knowledge_keywords')
    op.drop_table('knowledge_entry_versions')
    op.drop_table('reply_templates')
    op.drop_table('knowledge_entries')
    op.drop_table('knowledge_sequence')
