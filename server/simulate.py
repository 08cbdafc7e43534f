"""``python -m server simulate``: the hotline centre at work against a running server, over HTTP.

Signed in as a centre agent (``--user agent --password demo1234`` on the demo city), it takes in
new requests at ``--rate`` per minute — believable Chinese ones, across the channels and
categories of the demo city (``server.demo.content``) — and dispatches each to the department of
its category. Every ``--every`` seconds it works the centre's queues, which it watches through the
sync feed (``/sync/pull``, as a desk does): it rules on return requests (退单) and extension
requests (延期), calls back citizens whose orders were replied (回访: about nine in ten satisfied or
basically satisfied, some unsatisfied — sometimes sent back for re-handling, 重办 — some not
reached) and closes what may be closed.

Two random streams come from ``--seed``: one writes the requests, so the same seed takes in the
same requests in the same order whatever the server holds; the other makes the centre's
decisions. A failed request is logged and tried again later (with back-off while the server
cannot be reached); nothing ends in a traceback. Ctrl+C (or SIGTERM) stops after the step in hand
and prints a summary; a second Ctrl+C stops at once.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import random
import re
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from api_client import ApiError, CaseDeskClient, Conflict, Offline, TokenStore, Unauthorized
from casework.lifecycle import Command
from casework.order import (
    UNREACHABLE_ATTEMPTS_TO_CLOSE,
    CallbackOutcome,
    Channel,
    ExtensionStatus,
    Importance,
    State,
)
from casework.schemas import (
    CloseBody,
    DispatchBody,
    OrderDetail,
    OrderIntake,
    RecordCallbackBody,
    ReopenBody,
    RuleExtensionBody,
    RuleReturnBody,
    Wire,
)
from casework.sla import Complexity, Urgency
from casework.vocabulary import zh
from server.demo import content

if TYPE_CHECKING:
    from server.settings import Settings

log = logging.getLogger("casedesk.simulate")

#: How a callback ends, and how often (about nine in ten satisfied or basically satisfied).
CALLBACK_MIX = {
    CallbackOutcome.SATISFIED: 76,
    CallbackOutcome.BASICALLY_SATISFIED: 14,
    CallbackOutcome.UNSATISFIED: 6,
    CallbackOutcome.UNREACHABLE: 4,
}
APPROVE_EXTENSION = 0.8
#: A department refusing an order that is its own by category still gets it handed on sometimes.
ACCEPT_RIGHTFUL_RETURN = 0.25
CALLBACK_NOTES = {
    CallbackOutcome.SATISFIED: ["市民表示问题已解决，对处理结果满意。", "市民表示工作人员态度很好，对办理结果满意。"],
    CallbackOutcome.BASICALLY_SATISFIED: [
        "市民表示处理速度较慢，但结果基本满意。",
        "市民表示已有人来现场看过，问题基本解决。",
    ],
    CallbackOutcome.UNSATISFIED: [
        "市民反映问题仍未解决，要求重新办理。",
        "市民对答复内容不认可，认为部门未到现场核实。",
    ],
    CallbackOutcome.UNREACHABLE: ["电话无人接听。", "电话占线，稍后再拨。", "电话提示已关机。"],
}
REOPEN_INSTRUCTIONS = [
    "市民回访不满意，反映问题仍未解决，请重新核实办理。",
    "回访中市民反映部门未到现场，请实地核查后重新答复。",
    "答复未回应市民的主要诉求，请重新办理。",
]
MAX_BACKOFF = 60.0


@dataclass
class Tally:
    """What the centre did, for the summary."""

    created: int = 0
    dispatched: int = 0
    returns_accepted: int = 0
    returns_refused: int = 0
    extensions_approved: int = 0
    extensions_denied: int = 0
    callbacks: int = 0
    closed: int = 0
    reopened: int = 0
    failed_requests: int = 0

    def summary(self) -> str:
        return ", ".join(f"{f.name.replace('_', ' ')} {getattr(self, f.name)}" for f in fields(self))


class RequestWriter:
    """Writes what citizens ask, from the demo city's words; the same seed writes the same requests."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:intake")

    def next(self) -> OrderIntake:
        rng = self.rng
        leaf = rng.choice(content.leaf_categories())
        template = rng.choice(content.REQUEST_TEMPLATES[leaf.code])
        place = rng.choice(content.PLACES)
        complexity = Complexity.COMPLEX if rng.random() < 0.3 else Complexity.SIMPLE
        urgency = rng.choices(list(Urgency), weights=[86, 10, 4])[0]
        importance = Importance.MAJOR if rng.random() < 0.05 else Importance.ORDINARY
        return content.intake(rng, leaf.code, template, place, urgency, complexity, importance)


class _SessionInMemory(TokenStore):
    """Keeps the simulator's session out of the OS keyring, where a desk may keep the same user's."""

    def save(self, username: str, refresh_token: str) -> bool:
        return False

    def load(self, username: str) -> str | None:
        return None

    def delete(self, username: str) -> None:
        return None


@dataclass
class Centre:
    """The hotline centre: its view of the city (from the sync feed) and what it does with it."""

    client: CaseDeskClient
    username: str
    password: str
    rng: random.Random
    tally: Tally = field(default_factory=Tally)
    orders: dict[int, OrderDetail] = field(default_factory=dict)
    department_ids: dict[str, int] = field(default_factory=dict)
    department_names: dict[int, str] = field(default_factory=dict)
    category_departments: dict[str, str] = field(default_factory=dict)
    cursor: str | None = None
    signed_in: bool = False
    not_before: dict[int, float] = field(default_factory=dict)  # order id → monotonic time of its next try
    failures: dict[int, int] = field(default_factory=dict)  # order id → failed tries in a row

    # --- the connection ---------------------------------------------------------------------

    def sign_in(self) -> None:
        self.client.login(self.username, self.password)
        departments = self.client.departments()
        self.department_ids = {d.code: d.id for d in departments}
        self.department_names = {d.id: d.name for d in departments}
        self.category_departments = {c.code: c.department_code for c in self.client.categories() if c.department_code}
        self.signed_in = True
        log.info("signed in to %s as %s", self.client.base_url, self.username)

    def refresh_view(self) -> None:
        """Take in every change since the last pull (the first pull is a snapshot of the city)."""
        while True:
            page = self.client.pull(self.cursor)
            if page.reset:
                self.orders.clear()
            for change in page.changes:
                if change.order is not None:
                    self.orders[change.order_id] = change.order
                else:
                    self.orders.pop(change.order_id, None)
            self.cursor = page.cursor
            if not page.has_more:
                return

    # --- intake -----------------------------------------------------------------------------

    def take_in(self, request: OrderIntake) -> OrderDetail:
        order = self.client.create_order(request)
        self.orders[order.id] = order
        self.tally.created += 1
        log.info(
            "intake    %s [%s] %s (%s)",
            order.number,
            zh(Channel, order.channel),
            order.title,
            order.category_code,
        )
        return order

    # --- the queues -------------------------------------------------------------------------

    def work(self, stopping: Callable[[], bool], limit: int) -> None:
        """One round of the centre's queues: at most ``limit`` orders, oldest first (a backlog drains
        over several rounds, as it would with people on the phones)."""
        self.refresh_view()
        now = time.monotonic()
        for order_id in sorted(self.orders):
            if stopping() or limit <= 0:
                return
            order = self.orders.get(order_id)
            if order is None or self.not_before.get(order_id, 0) > now:
                continue
            step = self._next_step(order)
            if step is None:
                continue
            limit -= 1
            try:
                step(order)
                self.failures.pop(order_id, None)
            except Conflict as exc:
                # Someone else moved the order (or our copy is stale): the next pull brings it.
                log.info("skipped   %s: %s", order.number, exc.message_en)
                self._later(order_id, failed=False)
            except (Offline, Unauthorized):
                raise  # the connection, not this order: the main loop backs off or signs in again
            except ApiError as exc:
                self.tally.failed_requests += 1
                log.warning("failed    %s: %s (%s); will try again later", order.number, exc.message_en, exc.code)
                self._later(order_id, failed=True)

    def _later(self, order_id: int, *, failed: bool) -> None:
        tries = self.failures.get(order_id, 0) + 1 if failed else 1
        self.failures[order_id] = tries
        self.not_before[order_id] = time.monotonic() + min(MAX_BACKOFF, 2.0**tries)

    def _next_step(self, order: OrderDetail) -> Callable[[OrderDetail], None] | None:
        if order.state is State.RECEIVED:
            return self.dispatch if self._department_for(order) is not None else None
        if order.state is State.RETURN_REQUESTED:
            return self.rule_return
        if order.state is State.REPLIED:
            return self.call_back
        if order.extension is not None and order.extension.status is ExtensionStatus.PENDING:
            return self.rule_extension
        return None

    def _department_for(self, order: OrderDetail) -> int | None:
        """The department of the order's category, else the office of its street or town."""
        code = self.category_departments.get(order.category_code) or content.district_department(order.district)
        return self.department_ids.get(code) if code else None

    def _run(self, order: OrderDetail, command: Command, body: Wire) -> OrderDetail:
        updated = self.client.command(order.id, command, body)
        self.orders[order.id] = updated
        return updated

    def dispatch(self, order: OrderDetail) -> None:
        lead = self._department_for(order)
        assert lead is not None
        reply_days = self.rng.randint(3, 7) if order.complexity is Complexity.COMPLEX else None
        self._run(
            order, Command.DISPATCH, DispatchBody(version=order.version, lead_department_id=lead, reply_days=reply_days)
        )
        self.tally.dispatched += 1
        log.info("dispatch  %s → %s", order.number, self.department_names.get(lead, lead))

    def rule_return(self, order: OrderDetail) -> None:
        asking = order.return_request.department_id if order.return_request else order.lead_department_id
        rightful = self._department_for(order)
        if rightful is not None and rightful != asking:
            new_lead: int | None = rightful  # dispatched to the wrong department: hand it on
        else:
            office = self.department_ids.get(content.district_department(order.district) or "")
            accept = office is not None and office != asking and self.rng.random() < ACCEPT_RIGHTFUL_RETURN
            new_lead = office if accept else None
        if new_lead is not None:
            body = RuleReturnBody(
                version=order.version, accept=True, new_lead_department_id=new_lead, comment="同意退单，改派"
            )
            self._run(order, Command.RULE_RETURN, body)
            self.tally.returns_accepted += 1
            log.info("return    %s accepted → %s", order.number, self.department_names.get(new_lead, new_lead))
        else:
            comment = "经核实，该事项属于贵单位职责范围，请继续办理。"
            self._run(order, Command.RULE_RETURN, RuleReturnBody(version=order.version, accept=False, comment=comment))
            self.tally.returns_refused += 1
            log.info("return    %s refused", order.number)

    def rule_extension(self, order: OrderDetail) -> None:
        approve = self.rng.random() < APPROVE_EXTENSION
        days = order.extension.days if order.extension else 0
        comment = f"同意延期{days}个工作日，请在新的期限内办结。" if approve else "延期理由不充分，请按原期限办结。"
        self._run(
            order, Command.RULE_EXTENSION, RuleExtensionBody(version=order.version, approve=approve, comment=comment)
        )
        if approve:
            self.tally.extensions_approved += 1
        else:
            self.tally.extensions_denied += 1
        log.info("extension %s %s (%d working days)", order.number, "approved" if approve else "denied", days)

    def call_back(self, order: OrderDetail) -> None:
        if order.callbacks and order.callbacks[-1].outcome is not CallbackOutcome.UNREACHABLE:
            self._settle(order, order.callbacks[-1].outcome)  # called back before, not settled yet
            return
        outcome = self.rng.choices(list(CALLBACK_MIX), weights=list(CALLBACK_MIX.values()))[0]
        reached = outcome is not CallbackOutcome.UNREACHABLE
        body = RecordCallbackBody(
            version=order.version,
            outcome=outcome,
            resolved=outcome is not CallbackOutcome.UNSATISFIED if reached else None,
            notes=self.rng.choice(CALLBACK_NOTES[outcome]),
        )
        order = self._run(order, Command.RECORD_CALLBACK, body)
        self.tally.callbacks += 1
        log.info("callback  %s %s", order.number, zh(CallbackOutcome, outcome))
        self._settle(order, outcome)

    def _settle(self, order: OrderDetail, outcome: CallbackOutcome) -> None:
        if outcome is CallbackOutcome.UNREACHABLE:
            attempts = sum(1 for c in order.callbacks if c.outcome is CallbackOutcome.UNREACHABLE)
            if attempts < UNREACHABLE_ATTEMPTS_TO_CLOSE:
                self._later(order.id, failed=False)  # call again on a later round
                return
        # An unsatisfied citizen's order goes back for 重办: the agent may not close it (the closing rule).
        if outcome is CallbackOutcome.UNSATISFIED:
            instruction = self.rng.choice(REOPEN_INSTRUCTIONS)
            self._run(order, Command.REOPEN, ReopenBody(version=order.version, instruction=instruction))
            self.tally.reopened += 1
            log.info("reopen    %s 重办", order.number)
            return
        self._run(order, Command.CLOSE, CloseBody(version=order.version))
        self.tally.closed += 1
        log.info("close     %s", order.number)


class Stop:
    """The stop flag: the first SIGINT/SIGTERM asks to stop after the step in hand, a second stops at once."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self) -> bool:
        return self.asked

    def install(self) -> None:
        def ask(signum: int, frame: Any) -> None:
            if self.asked:
                raise KeyboardInterrupt
            self.asked = True
            log.info("stopping (Ctrl+C again to stop at once)")

        signal.signal(signal.SIGINT, ask)
        signal.signal(signal.SIGTERM, ask)


@dataclass(frozen=True)
class Pace:
    """How fast and how long: ``rate`` requests a minute (0: none), a round of the queues (at most
    ``per_round`` orders) every ``every`` seconds, until ``count`` requests or ``duration`` seconds
    (None: until stopped)."""

    rate: float
    every: float
    per_round: int = 10
    count: int | None = None
    duration: float | None = None


def simulate(centre: Centre, writer: RequestWriter, pace: Pace, stop: Stop) -> None:
    """The centre's day at ``pace``; returns when done or stopped, raises Unauthorized on a bad sign-in."""
    started = time.monotonic()
    interval = 60.0 / pace.rate if pace.rate > 0 else None
    next_intake = next_round = resume_at = started
    backoff = 1.0
    waiting: OrderIntake | None = None  # a request whose intake failed: taken in again, unchanged
    while not stop():
        now = time.monotonic()
        if pace.duration is not None and now - started >= pace.duration:
            return
        done = pace.count is not None and centre.tally.created >= pace.count
        try:
            if now >= resume_at:
                if not centre.signed_in:
                    centre.sign_in()
                if interval is not None and not done and now >= next_intake:
                    waiting = waiting or writer.next()
                    centre.take_in(waiting)
                    waiting = None
                    next_intake = max(next_intake + interval, now - interval)  # no burst after a pause
                    done = pace.count is not None and centre.tally.created >= pace.count
                if done or now >= next_round:
                    centre.work(stop, pace.per_round)  # after the last request, one more round sends it on its way
                    next_round = time.monotonic() + pace.every
                    if done:
                        return
                backoff = 1.0
        except Unauthorized as exc:
            if centre.client.user is None:
                raise  # never signed in: a wrong user or password does not get better by trying again
            centre.signed_in = False
            log.warning("signed out (%s); signing in again", exc.message_en)
        except ApiError as exc:  # Offline included: the server is down, restarting or overloaded
            centre.tally.failed_requests += 1
            log.warning("failed: %s (%s); trying again in %.0f s", exc.message_en, exc.code, backoff)
            resume_at, backoff = time.monotonic() + backoff, min(MAX_BACKOFF, backoff * 2)
        wake = [next_round, resume_at] + ([next_intake] if interval is not None and not done else [])
        time.sleep(min(0.5, max(0.0, min(wake) - time.monotonic())))


def _seconds(text: str) -> float:
    """``90``, ``90s``, ``15m`` or ``2h`` → seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90, 90s, 15m, 2h)")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``simulate`` command, on the server command line's sub-parsers."""
    s: argparse.ArgumentParser = sub.add_parser(
        "simulate",
        help="play the hotline centre against a running server: intake, dispatch, rulings, callbacks, closing",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    s.add_argument("--server", default="http://127.0.0.1:8000", help="base URL of the running server")
    s.add_argument("--user", default="agent", help="a centre agent (default: the demo's agent)")
    s.add_argument("--password", help="default: $CASEDESK_PASSWORD, else asked for")
    s.add_argument("--rate", type=float, default=6.0, help="new requests per minute (default 6; 0: none)")
    s.add_argument("--count", type=int, help="stop after this many new requests")
    s.add_argument("--duration", type=_seconds, help="stop after this long (90, 15m, 2h)")
    s.add_argument("--every", type=float, default=5.0, help="seconds between rounds of the queues (default 5)")
    s.add_argument("--per-round", type=int, default=10, help="orders worked in one round at most (default 10)")
    s.add_argument("--seed", type=int, default=12345, help="the same seed takes in the same requests")
    s.set_defaults(run=run)
    return s


def run(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Run the simulation until ``--count``, ``--duration`` or Ctrl+C; print a summary."""
    if args.rate < 0 or args.every <= 0 or args.per_round < 1 or (args.count is not None and args.count < 0):
        print("--rate and --count must be 0 or more, --every more than 0, --per-round 1 or more", file=sys.stderr)
        return 2
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        password = args.password or os.environ.get("CASEDESK_PASSWORD") or getpass.getpass(f"password of {args.user}: ")
    except (KeyboardInterrupt, EOFError):
        return 1
    client = CaseDeskClient(args.server, persist_session=False, timeout=(5.0, 30.0))
    client.auth.store = _SessionInMemory(args.server)
    centre = Centre(client, args.user, password, random.Random(f"{args.seed}:centre"))
    pace = Pace(args.rate, args.every, args.per_round, args.count, args.duration)
    stop = Stop()
    stop.install()
    started = time.monotonic()
    try:
        simulate(centre, RequestWriter(args.seed), pace, stop)
    except Unauthorized as exc:
        log.error("cannot sign in as %s: %s", args.user, exc.message_en)
    except KeyboardInterrupt:
        log.info("stopped at once")
    finally:
        if centre.signed_in:
            with contextlib.suppress(ApiError):
                client.auth.request("POST", "/auth/logout")  # end the session on the server
        minutes = (time.monotonic() - started) / 60
        print(f"simulated {minutes:.1f} min against {args.server}: {centre.tally.summary()}", flush=True)
    return 0 if centre.client.user is not None else 1  # 1: never signed in


def main(argv: list[str] | None = None) -> int:
    """``python -m server.simulate`` (the same as ``python -m server simulate``)."""
    parser = argparse.ArgumentParser(prog="python -m server.simulate")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(["simulate", *(argv if argv is not None else sys.argv[1:])]))


if __name__ == "__main__":
    sys.exit(main())
