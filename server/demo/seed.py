"""``seed-demo``: a believable county-level city with orders in every state.

Every order is driven through the same service functions the API uses, at simulated times
over the past weeks, so deadlines, on-time flags, reviews and the audit chain are all real.
The steps of all orders are played in time order, so the audit log reads like a real month.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from casework.cohandling import CoStatus
from casework.deadlines import SHANGHAI
from casework.knowledge import EntryAction, search_text
from casework.lifecycle import Command
from casework.order import Importance, PhotoTag, ResultCode, ReturnReason
from casework.roles import Role
from casework.schemas import COMMAND_BODIES, DepartmentIn, PhotoRef, UserIn
from casework.sla import Complexity, Urgency
from server.audit.service import record
from server.auth.passwords import hash_password
from server.auth.service import actor_of
from server.blobs.store import BlobStore
from server.db import utcnow
from server.demo import content
from server.demo.photos import sample_photo
from server.knowledge.repository import next_changes
from server.models import (
    Blob,
    Category,
    Department,
    EntryVersionRow,
    KeywordRow,
    KnowledgeEntryRow,
    Order,
    ReplyTemplateRow,
    Upload,
    User,
)
from server.orders import service
from server.org.service import create_department, create_user
from server.settings import Settings

DEMO_PASSWORD = "demo1234"

# The state each demo order is left in, and how often.
#: Handlers given the right to sign (签收, and a co-department's 协办签收).
SIGNING_HANDLERS = ("handler", "zhulei")

TARGETS = {
    "received": 4,
    "dispatched": 9,
    "return_requested": 3,
    "in_progress": 22,
    "in_review": 12,
    "replied": 10,
    "closed": 34,
    "invalid": 2,
    "merged": 2,
    "reopened": 2,
}


@dataclass
class City:
    """The seeded organisation, indexed for picking actors."""

    departments: dict[str, Department]
    users: dict[str, User]
    staff: dict[tuple[str, str], list[User]]  # (department code, role) -> users
    leaders: dict[str, User]  # department code -> leader in charge
    mayor: User
    agents: list[User]
    supervisor: User  # 值班长: closes an order after an unsatisfied callback, with a reason


Step = Callable[[datetime], None]


#: Knowledge entries of the demo city; a small city (a test's few orders) gets fewer (see :func:`seed`).
KNOWLEDGE_ENTRIES = 2000
SMALL_CITY_ORDERS = 100


def seed(
    session: Session, settings: Settings, orders: int = 300, rng_seed: int = 12345, knowledge: int | None = None
) -> str:
    """Seed once; a database that already has the demo city is left alone.

    ``knowledge``: how many knowledge entries; by default :data:`KNOWLEDGE_ENTRIES`, or a tenth
    of it for a small city (fewer than :data:`SMALL_CITY_ORDERS` orders: the tests' servers)."""
    if session.scalar(select(Department).where(Department.code == content.CENTRE_CODE)) is not None:
        return "demo city already present; nothing to do"
    rng = random.Random(rng_seed)
    now = utcnow()
    # Outside demo mode the shared demo password is an initial password like any other.
    city = _organisation(session, now, must_change_password=not settings.demo_mode)
    blobs = BlobStore(settings.blob_dir)
    player = _Player(session, settings, city, blobs, rng, now)
    player.play(orders)
    if knowledge is None:
        knowledge = KNOWLEDGE_ENTRIES if orders >= SMALL_CITY_ORDERS else KNOWLEDGE_ENTRIES // 10
    entries, templates = seed_knowledge(session, city, random.Random(rng_seed), knowledge, now)
    lines = [
        f"demo city {content.CITY}: {len(city.departments)} departments, {len(city.users)} users, "
        f"{player.created} orders, {player.photos} photos, {entries} knowledge entries, {templates} reply templates",
        f"password of every demo user: {DEMO_PASSWORD}",
        "demo logins:",
    ]
    for username, role in content.DEMO_LOGINS.items():
        user = city.users[username]
        department = next((d for d in city.departments.values() if d.id == user.department_id), None)
        lines.append(f"  {username:<8} {role:<17} {user.name} {department.name if department else ''}")
    return "\n".join(lines)


def _organisation(session: Session, now: datetime, must_change_password: bool) -> City:
    departments = {
        spec.code: create_department(
            session, DepartmentIn(code=spec.code, name=spec.name, name_en=spec.name_en, kind=spec.kind), None, now
        )
        for spec in content.DEPARTMENTS
    }
    for category in content.CATEGORIES:
        session.add(
            Category(
                code=category.code,
                name=category.name,
                name_en=category.name_en,
                parent_code=category.parent,
                department_code=category.department,
            )
        )
    users: dict[str, User] = {}
    staff: dict[tuple[str, str], list[User]] = {}
    leaders: dict[str, User] = {}
    shared_hash = hash_password(DEMO_PASSWORD)
    for member in content.STAFF:
        user = create_user(
            session,
            UserIn(
                username=member.username,
                name=member.name,
                role=Role(member.role),
                department_id=departments[member.department].id,
                password=DEMO_PASSWORD,
                portfolio=[departments[c].id for c in member.portfolio],
                # The demo's signing handlers: ZJJ's 李强 and CGJ's field inspector 朱磊 (协办签收 too).
                may_sign=member.role == "handler" and member.username in SIGNING_HANDLERS,
            ),
            None,
            now,
            password_hash=shared_hash,
            must_change_password=must_change_password,
        )
        users[member.username] = user
        staff.setdefault((member.department, member.role), []).append(user)
        for code in member.portfolio:
            leaders.setdefault(code, user)
    session.flush()
    return City(
        departments=departments,
        users=users,
        staff=staff,
        leaders=leaders,
        mayor=staff[(content.LEADERSHIP_CODE, "top_leader")][0],
        agents=staff[(content.CENTRE_CODE, "centre_agent")],
        supervisor=staff[(content.CENTRE_CODE, "centre_supervisor")][0],
    )


class _Player:
    """Plays every order's story, interleaved by time."""

    def __init__(
        self, session: Session, settings: Settings, city: City, blobs: BlobStore, rng: random.Random, now: datetime
    ) -> None:
        self.session, self.settings, self.city, self.blobs, self.rng, self.now = (
            session,
            settings,
            city,
            blobs,
            rng,
            now,
        )
        self.created = 0
        self.photos = 0
        # Co-handling's own choices draw from a generator of their own: the city's other stories stay
        # as they were before co-handling parts existed.
        self.co_rng = random.Random(sum(rng.getstate()[1]))
        self.closed_ids: list[int] = []

    def play(self, count: int) -> None:
        queue: list[tuple[datetime, int, Iterator[tuple[datetime, Step]]]] = []
        targets = self.rng.choices(list(TARGETS), weights=list(TARGETS.values()), k=count)
        for index, target in enumerate(targets):
            # Open orders were received recently; finished ones anywhere in the past six weeks.
            recent = target in ("received", "dispatched", "return_requested", "in_progress", "in_review")
            days_back = self.rng.uniform(0.05, 6 if recent else 42)
            start = self._office_time(self.now - timedelta(days=days_back))
            story = self._story(target, start)
            heapq.heappush(queue, (start, index, story))
        while queue:
            _, index, story = heapq.heappop(queue)
            try:
                at, step = next(story)
            except StopIteration:
                continue
            if at > self.now:
                continue  # the rest of this story lies in the future: the order stays where it is
            step(at)
            heapq.heappush(queue, (at, index, story))

    def _office_time(self, at: datetime) -> datetime:
        """A moment in office hours on ``at``'s day — never after now (at night, the day before):
        an intake in the future would never happen and the city would be short of orders."""
        local = at.astimezone(SHANGHAI)
        moment = local.replace(hour=8 + (local.hour % 10), minute=local.minute)
        while moment > self.now:
            moment -= timedelta(days=1)
        return moment.astimezone(at.tzinfo)

    # --- one order's story ------------------------------------------------------------------

    def _story(self, target: str, start: datetime) -> Iterator[tuple[datetime, Step]]:
        rng = self.rng
        leaf = rng.choice(content.leaf_categories())
        template = rng.choice(content.REQUEST_TEMPLATES[leaf.code])
        place = rng.choice(content.PLACES)
        agent = rng.choice(self.city.agents)
        holder: dict[str, int] = {}
        urgency = rng.choices(list(Urgency), weights=[86, 10, 4])[0]
        complexity = Complexity.COMPLEX if rng.random() < 0.3 else Complexity.SIMPLE
        importance = Importance.MAJOR if rng.random() < 0.08 else Importance.ORDINARY
        at = start

        def intake(when: datetime) -> None:
            order = service.intake(
                self._ctx(agent, when),
                content.intake(self.rng, leaf.code, template, place, urgency, complexity, importance, when),
            )
            holder["id"] = order.id
            self.created += 1

        yield at, intake
        if target == "received":
            return
        at += timedelta(minutes=rng.uniform(3, 40))
        if target == "invalid":
            yield at, self._do(holder, agent, Command.INVALIDATE, reason="重复来电，诉求已在其他工单中受理")
            return
        if target == "merged" and self.closed_ids:
            into = rng.choice(self.closed_ids)
            yield at, self._do(holder, agent, Command.MERGE, into_order_id=into, reason="同一地点同一诉求，合并办理")
            return

        lead = leaf.department or "ZJJ"
        wrong_first = target == "return_requested" or rng.random() < 0.06
        first = rng.choice([d for d in ("CGJ", "ZJJ", "JTJ", "SJJ") if d != lead]) if wrong_first else lead
        reply_days = rng.randint(3, 7) if complexity is Complexity.COMPLEX else None
        co = [self.city.departments[d].id for d in rng.sample(["GYJD", "MPJD", "HBJ"], 1)] if rng.random() < 0.1 else []
        co = [d for d in co if d != self.city.departments[first].id]
        yield (
            at,
            self._do(
                holder,
                agent,
                Command.DISPATCH,
                lead_department_id=self.city.departments[first].id,
                co_department_ids=co,
                reply_days=reply_days,
            ),
        )
        if wrong_first:
            at += timedelta(hours=rng.uniform(0.5, 5))
            yield (
                at,
                self._do(
                    holder,
                    self._one(first, "section_chief"),
                    Command.REQUEST_RETURN,
                    reason_code=ReturnReason.NOT_OUR_DUTY,
                    reason=rng.choice(content.RETURN_REASONS),
                ),
            )
            if target == "return_requested":
                return
            at += timedelta(hours=rng.uniform(0.5, 4))
            yield (
                at,
                self._do(
                    holder,
                    agent,
                    Command.RULE_RETURN,
                    accept=True,
                    new_lead_department_id=self.city.departments[lead].id,
                    comment="同意退单，改派",
                ),
            )
        if target == "dispatched":
            if co:  # 协办: the co-department's part, as far as it got
                yield at + timedelta(hours=rng.uniform(0.2, 3)), self._co_part(holder, agent, self._co_mode(open_=True))
            return

        chief, head = self._one(lead, "section_chief"), self._one(lead, "department_head")
        handler = rng.choice(self.city.staff.get((lead, "handler"), [chief]))
        at += timedelta(hours=rng.uniform(0.1, 20) if urgency is Urgency.NORMAL else rng.uniform(0.05, 0.4))
        yield at, self._do(holder, chief, Command.SIGN)
        yield at + timedelta(minutes=2), self._do(holder, chief, Command.ASSIGN_HANDLER, handler_id=handler.id)
        at += timedelta(minutes=rng.uniform(10, 50) if urgency is not Urgency.NORMAL else rng.uniform(60, 1500))
        if urgency is not Urgency.NORMAL or rng.random() < 0.5:
            yield at, self._onsite(holder, handler, place)
        if rng.random() < 0.35:
            at += timedelta(minutes=rng.uniform(5, 120))
            yield (
                at,
                self._do(
                    holder, handler, Command.ADD_NOTE, client_id=uuid.uuid4(), text=rng.choice(content.INTERNAL_NOTES)
                ),
            )
        if rng.random() < 0.06:
            at += timedelta(hours=rng.uniform(1, 8))
            yield (
                at,
                self._do(
                    holder,
                    handler,
                    Command.REQUEST_EXTENSION,
                    days=rng.randint(2, 5),
                    reason=rng.choice(content.EXTENSION_REASONS),
                ),
            )
            at += timedelta(hours=rng.uniform(1, 8))
            yield at, self._do(holder, agent, Command.RULE_EXTENSION, approve=rng.random() < 0.8)
        result = rng.choices(list(ResultCode), weights=[60, 15, 20, 5])[0]
        reply = rng.choice(content.REPLY_TEMPLATES[result.value]).format(place=place.address)
        at += timedelta(hours=rng.uniform(1, 30))
        if target == "in_progress":
            if co:
                yield at, self._co_part(holder, agent, self._co_mode(open_=True))
            if rng.random() < 0.5:
                yield (
                    at,
                    self._do(holder, handler, Command.SAVE_DRAFT, text=reply[: len(reply) // 2], result_code=result),
                )
            return
        if co:  # the lead's reply waits for every part: answered, or waived by the centre
            yield at, self._co_part(holder, agent, self._co_mode(open_=False))
            at += timedelta(minutes=20)
        yield at, self._do(holder, handler, Command.SUBMIT_REPLY, text=reply, result_code=result)
        reviewers = [chief, head] + (
            [self.city.leaders.get(lead, self.city.mayor), self.city.mayor] if importance is Importance.MAJOR else []
        )
        stop_at = rng.randrange(len(reviewers)) if target == "in_review" else len(reviewers)
        if rng.random() < 0.2 and target != "in_review":
            at += timedelta(hours=rng.uniform(0.5, 6))
            yield at, self._do(holder, chief, Command.RETURN_FOR_REWORK, comment=rng.choice(content.RETURN_COMMENTS))
            at += timedelta(hours=rng.uniform(0.5, 10))
            yield (
                at,
                self._do(
                    holder, handler, Command.SUBMIT_REPLY, text=reply + "具体整改将于一周内完成。", result_code=result
                ),
            )
        for reviewer in reviewers[:stop_at]:
            at += timedelta(hours=rng.uniform(0.3, 12))
            yield at, self._do(holder, reviewer, Command.APPROVE, comment="同意")
        if target == "in_review":
            return
        at += timedelta(hours=rng.uniform(2, 40))
        outcome = (
            "unsatisfied"
            if target == "reopened"
            else rng.choices(
                ["satisfied", "basically_satisfied", "unsatisfied", "unreachable"], weights=[78, 12, 6, 4]
            )[0]
        )
        if target == "replied":
            if rng.random() < 0.4:
                yield at, self._do(holder, agent, Command.RECORD_CALLBACK, outcome="unreachable")
            return
        attempts = 3 if outcome == "unreachable" else 1
        verdict: dict[str, Any] = {} if outcome == "unreachable" else {"resolved": outcome != "unsatisfied"}
        for _ in range(attempts):
            yield (
                at,
                self._do(
                    holder,
                    agent,
                    Command.RECORD_CALLBACK,
                    outcome=outcome,
                    notes=rng.choice(content.CALLBACK_NOTES),
                    **verdict,
                ),
            )
            at += timedelta(hours=rng.uniform(1, 5))
        if target == "reopened":
            yield at, self._do(holder, agent, Command.REOPEN, instruction=rng.choice(content.LEADER_INSTRUCTIONS))
            return
        if outcome == "unsatisfied":  # the closing rule: only the 值班长 closes it, giving the reason
            yield at, self._close(holder, self.city.supervisor, note=rng.choice(content.SUPERVISOR_CLOSE_REASONS))
            return
        yield at, self._close(holder, agent)

    # --- co-handling (协办) -----------------------------------------------------------------------

    def _co_mode(self, open_: bool) -> CoStatus:
        """How far the co-departments' parts get: any stage on an open order; answered or waived
        before the lead's reply."""
        if open_:
            return self.co_rng.choice([CoStatus.PENDING, CoStatus.SIGNED, CoStatus.ANSWERED])
        return CoStatus.WAIVED if self.co_rng.random() < 0.15 else CoStatus.ANSWERED

    def _co_part(self, holder: dict[str, int], agent: User, mode: CoStatus) -> Step:
        """Each outstanding part of the order brought to ``mode``: its chief signs, its handler answers
        (协办意见), or the centre waives it."""

        def step(at: datetime) -> None:
            order = self.session.get(Order, holder["id"])
            if order is None or order.state not in ("dispatched", "return_requested", "in_progress"):
                return
            codes = {d.id: code for code, d in self.city.departments.items()}
            for part in [p for p in order.co_handling if p.status == CoStatus.PENDING.value]:
                code = codes[part.department_id]
                if mode is CoStatus.WAIVED:
                    reason = self.co_rng.choice(content.CO_WAIVE_REASONS)
                    self._do(holder, agent, Command.WAIVE_CO_HANDLING, department_id=part.department_id, reason=reason)(
                        at
                    )
                    continue
                if mode is CoStatus.PENDING:
                    continue
                self._do(holder, self._one(code, "section_chief"), Command.CO_SIGN)(at)
                if mode is CoStatus.ANSWERED:
                    handler = self.co_rng.choice(
                        self.city.staff.get((code, "handler"), [self._one(code, "section_chief")])
                    )
                    opinion = self.co_rng.choice(content.CO_OPINIONS)
                    self._do(holder, handler, Command.SUBMIT_CO_OPINION, opinion=opinion)(at + timedelta(minutes=5))

        return step

    # --- helpers ------------------------------------------------------------------------------

    def _one(self, department: str, role: str) -> User:
        return self.city.staff[(department, role)][0]

    def _ctx(self, user: User, at: datetime) -> service.Context:
        return service.Context(session=self.session, actor=actor_of(user), settings=self.settings, now=at)

    def _version(self, order_id: int) -> int:
        order = self.session.get(Order, order_id)
        if order is None:
            raise LookupError(f"the demo's order {order_id} is not in the database")
        return order.version

    def _do(self, holder: dict[str, int], user: User, command: Command, **fields: object) -> Step:
        def step(at: datetime) -> None:
            order_id = holder["id"]
            body_type = COMMAND_BODIES[command]
            if "version" in body_type.model_fields:
                fields["version"] = self._version(order_id)
            service.execute(self._ctx(user, at), order_id, command, body_type(**fields))

        return step

    def _close(self, holder: dict[str, int], agent: User, **fields: Any) -> Step:
        def step(at: datetime) -> None:
            self._do(holder, agent, Command.CLOSE, **fields)(at)
            self.closed_ids.append(holder["id"])

        return step

    def _onsite(self, holder: dict[str, int], handler: User, place: content.PlaceSpec) -> Step:
        def step(at: datetime) -> None:
            photos = []
            for tag in self.rng.sample([PhotoTag.BEFORE, PhotoTag.AFTER, PhotoTag.OTHER], self.rng.randint(1, 2)):
                caption = f"{place.address} 现场核查"
                data = sample_photo(self.rng, caption, at.astimezone(SHANGHAI), place.lat, place.lon, size=(800, 600))
                sha = self.blobs.put(data)
                if self.session.get(Blob, sha) is None:
                    self.session.add(Blob(sha256=sha, size=len(data), media_type="image/jpeg"))
                # As if the inspector's client had uploaded it: the upload proves possession.
                self.session.add(
                    Upload(
                        id=uuid.uuid4().hex,
                        user_id=handler.id,
                        length=len(data),
                        offset=len(data),
                        expires_at=at,
                        completed_sha256=sha,
                    )
                )
                photos.append(PhotoRef(sha256=sha, tag=tag))
                self.photos += 1
            self.session.flush()
            self._do(
                holder,
                handler,
                Command.RECORD_ONSITE_CHECK,
                client_id=uuid.uuid4(),
                checked_at=at,
                lat=place.lat,
                lon=place.lon,
                notes=self.rng.choice(content.ONSITE_NOTES),
                photos=photos,
            )(at)

        return step


def seed_knowledge(session: Session, city: City, rng: random.Random, count: int, now: datetime) -> tuple[int, int]:
    """``count`` knowledge entries (``content.knowledge_entries``), each proposed by a handler of its
    department and — unless a draft — published by the centre's supervisor; the city-wide reply
    templates and each department's own. Written in bulk (a few thousand rows in well under a
    second) under one audit record, ``knowledge_seeded``. Returns (entries, templates)."""
    specs = content.knowledge_entries(rng, count)
    first = next_changes(session, count + len(content.CITY_REPLY_TEMPLATES) + 3 * len(content.DEPARTMENTS))
    reviewer = city.supervisor.id
    authors: dict[str, int] = {}
    for code in {s.department for s in specs}:
        staff = city.staff.get((code, "handler")) or city.staff.get((code, "section_chief")) or [city.supervisor]
        authors[code] = staff[0].id
    entries: list[dict[str, Any]] = []
    for n, spec in enumerate(specs):
        keywords = list(dict.fromkeys(k.lower() for k in spec.keywords))
        effective = date(spec.effective_year, 1 + n % 12, 1)
        entries.append(
            {
                "id": n + 1,
                "title": spec.title,
                "questions": spec.questions,
                "answer": spec.answer,
                "basis_document": spec.document,
                "basis_number": spec.number,
                "basis_article": spec.article,
                "basis_issuer": spec.issuer,
                "basis_effective_from": effective,
                "basis_expires_on": date(spec.effective_year + 5, effective.month, 1) if spec.expired else None,
                "category_code": spec.category,
                "department_id": city.departments[spec.department].id,
                "keywords": keywords,
                "status": spec.status,
                "version": 1,
                "author_id": authors[spec.department],
                "reviewer_id": None if spec.status == "draft" else reviewer,
                "search_text": search_text(spec.title, spec.questions, keywords, spec.answer),
                "left_department_id": None,
                "change_seq": first + n,
                "created_at": now,
                "updated_at": now,
            }
        )
    if entries:
        session.execute(insert(KnowledgeEntryRow), entries)
        session.execute(
            insert(KeywordRow), [{"entry_id": e["id"], "keyword": k[:30]} for e in entries for k in e["keywords"]]
        )
        session.execute(
            insert(EntryVersionRow),
            [
                {
                    "entry_id": e["id"],
                    "version": 1,
                    "action": EntryAction.IMPORT.value,
                    "content": {  # what server.knowledge.service.content stores for a version
                        "title": e["title"],
                        "questions": e["questions"],
                        "answer": e["answer"],
                        "basis": {
                            "document": e["basis_document"],
                            "number": e["basis_number"],
                            "article": e["basis_article"],
                            "issuer": e["basis_issuer"],
                            "effective_from": e["basis_effective_from"].isoformat(),
                            "expires_on": e["basis_expires_on"].isoformat() if e["basis_expires_on"] else None,
                        },
                        "category_code": e["category_code"],
                        "department_id": e["department_id"],
                        "keywords": e["keywords"],
                        "status": e["status"],
                    },
                    "editor_id": e["author_id"],
                    "at": now,
                }
                for e in entries
            ],
        )
        if session.get_bind().dialect.name == "postgresql":  # ids given: move the sequence past them
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('knowledge_entries', 'id'), :n)"), {"n": len(entries)}
            )
    templates: list[tuple[int | None, str, str]] = [(None, t, b) for t, b in content.CITY_REPLY_TEMPLATES]
    phones = {code: f"0514-8460{i:04d}" for i, code in enumerate(city.departments)}
    for code, department in city.departments.items():
        if department.kind == "department":
            templates += [
                (department.id, t, b) for t, b in content.department_reply_templates(department.name, phones[code])
            ]
    seq = first + len(entries)
    for n, (department_id, title, body) in enumerate(templates):
        session.add(
            ReplyTemplateRow(
                department_id=department_id,
                title=title,
                body=body,
                version=1,
                active=True,
                author_id=reviewer,
                change_seq=seq + n,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    record(session, reviewer, "knowledge_seeded", None, {}, {"entries": len(entries), "templates": len(templates)}, now)
    return len(entries), len(templates)


def seed_once(settings: Settings, orders: int = 300, rng_seed: int = 12345, knowledge: int | None = None) -> str:
    """Migrate, and seed the demo city unless it is there (``seed-demo`` and the desk's bundled server)."""
    from server.migrate import migrated_session

    with migrated_session(settings) as session:
        return seed(session, settings, orders=orders, rng_seed=rng_seed, knowledge=knowledge)
