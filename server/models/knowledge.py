"""The knowledge base (知识库): entries with their version history, reply templates, and citations.

Every change to an entry or a template takes the next number of one monotonic sequence
(``knowledge_sequence``) into its ``change_seq``: the desks' sync pages by it.

Search: ``search_text`` (title, questions, keywords and answer, lower-cased) carries a pg_trgm GIN
index on PostgreSQL (migration 0009 creates it where the extension could be installed); on SQLite
an FTS5 trigram table ``knowledge_fts`` (external content, kept by triggers made by the same
migration — a later batch migration of ``knowledge_entries`` must recreate them). Keywords are
also rows of ``knowledge_keywords``, so a two-character keyword in a citizen's sentence finds its
entries by a plain index look-up.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class KnowledgeSequence(Base):
    """The last change number given to an entry or a template (one row, locked while taken)."""

    __tablename__ = "knowledge_sequence"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    last: Mapped[int] = mapped_column(BigInteger, default=0)


class KnowledgeEntryRow(Base):
    __tablename__ = "knowledge_entries"
    __table_args__ = (
        Index("ix_knowledge_entries_status_department", "status", "department_id"),
        Index(
            "ix_knowledge_entries_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    questions: Mapped[list[Any]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text)
    basis_document: Mapped[str] = mapped_column(String(200), default="")
    basis_number: Mapped[str] = mapped_column(String(200), default="")
    basis_article: Mapped[str] = mapped_column(String(200), default="")
    basis_issuer: Mapped[str] = mapped_column(String(200), default="")
    basis_effective_from: Mapped[date | None]
    basis_expires_on: Mapped[date | None]
    category_code: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The department a draft was moved away from: its desks are told the draft left their view.
    left_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EntryVersionRow(Base):
    """What an entry said at each version, who made the version and how (insert-only)."""

    __tablename__ = "knowledge_entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_knowledge_entry_versions_entry_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("knowledge_entries.id", ondelete="CASCADE"))
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(12))
    content: Mapped[dict[str, Any]]
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class KeywordRow(Base):
    """One keyword of an entry, lower-cased: found by equality from a sentence's substrings."""

    __tablename__ = "knowledge_keywords"
    # (keyword, entry): a sentence's look-up reads the index alone, never the table.
    __table_args__ = (Index("ix_knowledge_keywords_keyword_entry", "keyword", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(ForeignKey("knowledge_entries.id", ondelete="CASCADE"), primary_key=True)
    keyword: Mapped[str] = mapped_column(String(30), primary_key=True)


class ReplyTemplateRow(Base):
    """A reply template: a department's (``department_id``) or the city's (None); withdrawn, never deleted."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeUse(Base):
    """An order's reply or 直接办结 cited an entry (insert-only)."""

    __tablename__ = "knowledge_uses"
    __table_args__ = (Index("ix_knowledge_uses_at_entry", "at", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("knowledge_entries.id"), index=True)
    entry_version: Mapped[int]
    command: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
