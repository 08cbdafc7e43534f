"""the audit chain's head is held only while a transaction commits (PostgreSQL)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 16:10:00

A command inserts its audit record with a provisional sequence number (far above any real one,
from ``audit_provisional_seq``) and the tail of its hashed text in ``pending``. A deferred
constraint trigger runs as the transaction commits: it locks ``audit_head``, gives the record the
next number, links and hashes it exactly as ``server.audit.service`` does (the same text, the
same SHA-256), advances the head and clears ``pending``; the lock ends with the commit. So the
head is held for the append and the commit only, never while the command or its answer is
built, and numbers still become visible strictly in order (see ``server/audit/service.py``).
SQLite has one writer at a time: it appends at once and never uses the trigger.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# server.audit.service.PROVISIONAL: provisional numbers start there (real ones never get near).
_PROVISIONAL = 2**61

_FUNCTION = """
CREATE OR REPLACE FUNCTION casedesk_audit_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
    head_hash varchar(64);
    next_seq bigint;
    digest varchar(64);
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    next_seq := head_seq + 1;
    digest := encode(
        sha256(convert_to('["' || head_hash || '",' || next_seq::text || ',' || NEW.pending, 'UTF8')), 'hex'
    );
    UPDATE audit_log SET seq = next_seq, prev_hash = head_hash, hash = digest, pending = NULL WHERE seq = NEW.seq;
    UPDATE audit_head SET seq = next_seq, hash = digest WHERE id = 1;
    IF NEW.order_id IS NOT NULL THEN
        -- the order's measures tracker applied this record under its provisional number
        UPDATE measure_trackers SET last_seq = next_seq WHERE order_id = NEW.order_id AND last_seq = NEW.seq;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Text(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'CREATE SEQUENCE audit_provisional_seq START WITH {_PROVISIONAL} MINVALUE {_PROVISIONAL}')
        op.execute(_FUNCTION)
        op.execute(
            'CREATE CONSTRAINT TRIGGER audit_append_at_commit AFTER INSERT ON audit_log '
            'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.pending IS NOT NULL) '
            'EXECUTE FUNCTION casedesk_audit_append()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_append_at_commit ON audit_log')
        op.execute('DROP FUNCTION IF EXISTS casedesk_audit_append()')
        op.execute('DROP SEQUENCE IF EXISTS audit_provisional_seq')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('pending')
