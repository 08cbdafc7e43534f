"""The knowledge base (知识库) on the desk: search from a citizen's words, an entry, the reply templates.

Everything reads the synced copy in the local store (``offline.knowledge``), so it works offline; the
calls are scheduled on the runner's disk lane and answer plain data. The UI fills reply templates with
:func:`reply_values` and casework's ``render_template``, and cites an entry with :func:`citation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject

from casework.knowledge import PolicyBasis, address_of
from casework.times import city_time
from desktop.tasks import Task
from desktop.workspace import Workspace
from offline.knowledge import is_expired

__all__ = [
    "Hit",
    "citation",
    "count",
    "entry",
    "expired",
    "reply_values",
    "search",
    "templates",
    "today",
]


@dataclass(frozen=True)
class Hit:
    """One entry a search found: the entry (KnowledgeEntry as JSON), its score, the (start, end, field)
    spans of the matching parts ("title", "questions" — the questions joined by newlines — or
    "answer"), and whether it is 已失效."""

    entry: dict[str, Any]
    score: float
    highlights: list[tuple[int, int, str]]
    expired: bool


def today() -> date:
    """Today in the city (Beijing), whatever the PC's zone."""
    now = city_time(datetime.now().astimezone())
    assert now is not None
    return now.date()


def expired(entry_: dict[str, Any]) -> bool:
    """已失效: expired by the centre, or its policy basis expired before today (city time)."""
    return is_expired(entry_, today())


def citation(entry_: dict[str, Any]) -> str:
    """The entry's policy basis as a reply cites it (《文件》（文号）第…条, with the issuer)."""
    return PolicyBasis.model_validate(entry_.get("basis") or {}).citation()


def _day(value: Any) -> str:
    moment = city_time(value)
    return f"{moment.year}年{moment.month}月{moment.day}日" if moment is not None else ""


def reply_values(order: dict[str, Any], on: date | None = None) -> dict[str, str]:
    """What a reply template's placeholders stand for on ``order``: {工单编号}, {称呼}, {受理日期},
    {答复期限} and {今天}. The citizen is 市民 when confidential, anonymous or masked to this user."""
    citizen = order.get("citizen") or {}
    hidden = bool(citizen.get("confidential") or citizen.get("anonymous") or citizen.get("masked"))
    day = on or today()
    return {
        "{工单编号}": str(order.get("number") or ""),
        "{称呼}": address_of(citizen.get("name"), hidden),
        "{受理日期}": _day(order.get("received_at")),
        "{答复期限}": _day(order.get("due_at") or (order.get("deadlines") or {}).get("reply_by")),
        "{今天}": f"{day.year}年{day.month}月{day.day}日",
    }


# --- reads on the disk lane ---------------------------------------------------------------------------


def search(
    workspace: Workspace,
    sentence: str,
    on_done: Callable[[list[Hit]], None],
    owner: QObject | None = None,
    limit: int = 20,
) -> Task:
    """The synced entries best matching ``sentence``, best first (offline too)."""
    store = workspace.store

    def work() -> list[Hit]:
        on = today()
        return [
            Hit(h["entry"], h["score"], [(s, e, f) for s, e, f in h["highlights"]], is_expired(h["entry"], on))
            for h in store.search_knowledge(sentence, limit)
        ]

    return workspace.runner.run(work, label="knowledge-search", on_done=on_done, owner=owner)


def entry(
    workspace: Workspace, entry_id: int, on_done: Callable[[dict[str, Any] | None], None], owner: QObject | None = None
) -> Task:
    """The synced entry (KnowledgeEntry as JSON), or None when it is not on this desk."""
    return workspace.runner.run(
        workspace.store.knowledge_entry, entry_id, label="knowledge-entry", on_done=on_done, owner=owner
    )


def templates(
    workspace: Workspace, on_done: Callable[[list[dict[str, Any]]], None], owner: QObject | None = None
) -> Task:
    """The synced reply templates (ReplyTemplate as JSON): the department's first, then the city-wide ones."""
    return workspace.runner.run(workspace.store.reply_templates, label="reply-templates", on_done=on_done, owner=owner)


def count(workspace: Workspace, on_done: Callable[[int], None], owner: QObject | None = None) -> Task:
    """How many entries are on this desk (0: not synced yet)."""
    return workspace.runner.run(workspace.store.knowledge_count, label="knowledge-count", on_done=on_done, owner=owner)
