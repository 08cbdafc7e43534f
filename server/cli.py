"""Command line of the case server.

``python -m server serve|init-db|create-department|create-user|seed-demo|import|verify-audit|calendar-load|``
``recompute-measures|bulletin|simulate|warn|backup|restore``
"""

from __future__ import annotations

import argparse
import getpass
import sys
import uuid
from pathlib import Path

from casework.roles import Role
from server.db import utcnow
from server.migrate import migrated_session
from server.settings import ConfigError, Settings, get_settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from server.db import ConnectionBudgetExceeded, check_connection_budget

    for directory in (settings.data_dir, settings.blob_dir, settings.upload_dir):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / f".write-test-{uuid.uuid4().hex}"  # hosts sharing the directory may share a pid
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            print(
                f"refusing to start: the data directory {directory} is not writable ({exc.strerror})", file=sys.stderr
            )
            return 2

    with migrated_session(settings) as session:  # migrate before the workers start
        try:
            # Every worker may hold its whole pool: together they must fit the database's limit.
            check_connection_budget(
                session.get_bind().engine, args.workers, settings.db_pool_size, settings.db_reserved_connections
            )
        except ConnectionBudgetExceeded as exc:
            print(f"refusing to start: {exc}", file=sys.stderr)
            return 2
    from server.observability import shutdown
    from server.observability.logs import log_config

    return shutdown.serve(
        shutdown.config(
            host=args.host,
            port=args.port,
            workers=args.workers,
            # X-Forwarded-For is read by the app, from CASEDESK_TRUSTED_PROXIES only (server.auth.addresses).
            proxy_headers=False,
            log_level=args.log_level,
            # Text or one JSON object per line (CASEDESK_LOG_FORMAT); the access line is the app's own.
            log_config=log_config(settings.log_format, args.log_level),
            access_log=False,
            # SIGTERM: stop accepting, let the requests in flight finish (up to this long), then exit 0.
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        )
    )


def _init_db(args: argparse.Namespace, settings: Settings) -> int:
    with migrated_session(settings):
        pass
    print(f"database ready: {settings.effective_database_url}")
    return 0


def _create_department(args: argparse.Namespace, settings: Settings) -> int:
    from casework.schemas import DepartmentIn
    from server.org.service import create_department

    with migrated_session(settings) as session:
        department = create_department(
            session, DepartmentIn(code=args.code, name=args.name, name_en=args.name_en, kind=args.kind), None, utcnow()
        )
        print(f"department {department.code} created (id {department.id})")
    return 0


def _create_category(args: argparse.Namespace, settings: Settings) -> int:
    from casework.schemas import CategoryIn
    from server.org.service import create_category

    with migrated_session(settings) as session:
        body = CategoryIn(code=args.code, name=args.name, parent_code=args.parent, department_code=args.department)
        category = create_category(session, body, None, utcnow())
        print(f"category {category.code} {category.name} created")
    return 0


def _create_user(args: argparse.Namespace, settings: Settings) -> int:
    from casework.schemas import UserIn
    from server.org import repository
    from server.org.service import create_user

    password = args.password or getpass.getpass("password: ")
    with migrated_session(settings) as session:

        def department_id(code: str) -> int:
            department = repository.department_by_code(session, code)
            if department is None:
                raise SystemExit(f"no department with code {code}")
            return department.id

        body = UserIn(
            username=args.username,
            name=args.name,
            role=Role(args.role),
            department_id=department_id(args.department) if args.department else None,
            password=password,
            portfolio=[department_id(c) for c in args.portfolio.split(",") if c] if args.portfolio else [],
            may_sign=args.may_sign,
        )
        # Whoever typed it knows it: the user chooses their own at first sign-in.
        user = create_user(session, body, None, utcnow(), must_change_password=True)
        print(f"user {user.username} created (id {user.id}, {user.role})")
    return 0


def _seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from server.demo.seed import seed_once

    print(seed_once(settings, orders=args.orders, rng_seed=args.seed, knowledge=args.knowledge))
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from server.importer import import_orders

    with migrated_session(settings) as session:
        result = import_orders(session, settings, Path(args.file), args.as_user, dispatch=args.dispatch)
    print(result.summary())
    return 0 if not result.errors else 1


def _verify_audit(args: argparse.Namespace, settings: Settings) -> int:
    from server.audit.service import verify

    with migrated_session(settings) as session:
        checked, problems = verify(session)
    for problem in problems:
        print(f"record {problem.seq}: {problem.problem}", file=sys.stderr)
    print(f"{checked} audit records checked, {len(problems)} problems")
    return 1 if problems else 0


def _calendar_load(args: argparse.Namespace, settings: Settings) -> int:
    from casework.calendar import CalendarFileError, parse_year_file
    from server.calendar.repository import calendar
    from server.calendar.service import save_days

    try:
        days = parse_year_file(Path(args.file).read_text(encoding="utf-8-sig"))
    except CalendarFileError as exc:
        print(f"{exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    if any(d.day.year != args.year for d in days):
        print(f"the file has dates outside {args.year}", file=sys.stderr)
        return 2
    with migrated_session(settings) as session:
        count = save_days(session, days, "file", settings, None, utcnow(), loaded_year=args.year)
        print(
            f"{len(days)} days loaded for {args.year}; {count} provisional orders recomputed; "
            f"calendar {calendar(session).version}"
        )
    return 0


def _recompute_measures(args: argparse.Namespace, settings: Settings) -> int:
    from server.measures.facts import rebuild

    with migrated_session(settings) as session:
        orders = rebuild(session)
    print(f"measures recomputed from the audit log for {orders} orders")
    return 0


def _bulletin(args: argparse.Namespace, settings: Settings) -> int:
    from server.measures.bulletin import write_bulletin
    from server.measures.periods import Period, PeriodError

    try:
        period = Period.month(args.month)
    except PeriodError as exc:
        print(f"{exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    with migrated_session(settings) as session:
        pdf, ledger = write_bulletin(session, period, utcnow(), Path(args.out))
    print(f"bulletin: {pdf}")
    print(f"ledger:   {ledger}")
    return 0


def _warn(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime

    from casework.times import parse_time
    from server.notifications.service import warn

    at: datetime | None = parse_time(args.at) if args.at else utcnow()
    if at is None or at.tzinfo is None:
        raise SystemExit("--at needs a time zone, e.g. 2026-11-24T09:00:00+08:00")
    with migrated_session(settings) as session:
        stored = warn(session, settings, at)
    print(f"warning pass at {at.isoformat()}: {stored} notifications stored")
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from server.ops.backup import backup
    from server.ops.manifest import BackupError

    try:
        manifest = backup(settings, Path(args.dir))
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 2
    blobs = len(manifest.files) - 1
    print(
        f"backup of {manifest.database} database (schema {manifest.schema_revision}, server "
        f"{manifest.server_instance_id}) and {blobs} blob files written to {args.dir}"
    )
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from server.ops.manifest import BackupError
    from server.ops.restore import restore

    try:
        report = restore(settings, Path(args.dir))
    except BackupError as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    if not report.clean:
        print("the restored data does NOT check out: see the problems above", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m server", description="CaseDesk case server")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the HTTP server (migrates first)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--log-level", default="info")
    s.set_defaults(run=_serve)

    s = sub.add_parser("init-db", help="create or migrate the database")
    s.set_defaults(run=_init_db)

    s = sub.add_parser("create-department", help="add a department")
    s.add_argument("code")
    s.add_argument("name")
    s.add_argument("--name-en", default="")
    s.add_argument("--kind", choices=["centre", "department", "leadership"], default="department")
    s.set_defaults(run=_create_department)

    s = sub.add_parser("create-category", help="add a request category (hierarchical code)")
    s.add_argument("code")
    s.add_argument("name")
    s.add_argument("--parent", help="parent category code")
    s.add_argument("--department", help="code of the department that usually handles it")
    s.set_defaults(run=_create_category)

    s = sub.add_parser("create-user", help="add a user")
    s.add_argument("username")
    s.add_argument("--name", required=True)
    s.add_argument(
        "--role",
        required=True,
        choices=[role.value for role in Role],
    )
    s.add_argument("--department", help="department code")
    s.add_argument("--portfolio", help="department codes a leader in charge oversees, comma-separated")
    s.add_argument("--may-sign", action="store_true", help="a handler who may sign for orders")
    s.add_argument("--password", help="omit to be asked")
    s.set_defaults(run=_create_user)

    s = sub.add_parser("seed-demo", help="build a demo city with users of every role and orders in every state")
    s.add_argument("--orders", type=int, default=300)
    s.add_argument("--seed", type=int, default=12345)
    s.add_argument(
        "--knowledge", type=int, default=None, help="knowledge entries (default 2000; 200 for fewer than 100 orders)"
    )
    s.set_defaults(run=_seed_demo)

    s = sub.add_parser("import", help="import orders from CSV or XLSX")
    s.add_argument("file")
    s.add_argument("--as", dest="as_user", default=None, help="centre agent recorded as taking them in")
    s.add_argument("--dispatch", action="store_true", help="dispatch rows that name a department")
    s.set_defaults(run=_import)

    s = sub.add_parser("verify-audit", help="check the audit hash chain")
    s.set_defaults(run=_verify_audit)

    s = sub.add_parser("calendar-load", help="load a year's statutory days from a CSV file")
    s.add_argument("year", type=int)
    s.add_argument("file")
    s.set_defaults(run=_calendar_load)

    s = sub.add_parser("recompute-measures", help="derive the oversight measures' facts again from the audit log")
    s.set_defaults(run=_recompute_measures)

    s = sub.add_parser("bulletin", help="the monthly bulletin (PDF) and the ledger 工作台账 (Excel) of a month")
    s.add_argument("--month", required=True, help="YYYY-MM")
    s.add_argument("--out", default=".", help="directory to write into (default: the current one)")
    s.set_defaults(run=_bulletin)

    s = sub.add_parser("warn", help="one warning pass: store the deadline warnings and escalations due (idempotent)")
    s.add_argument("--at", help="the moment to judge at, ISO 8601 with a zone (default: now)")
    s.set_defaults(run=_warn)

    s = sub.add_parser(
        "backup", help="copy the database (consistent, while serving) and the blobs into DIR, with a manifest"
    )
    s.add_argument("dir", help="a new or empty directory")
    s.set_defaults(run=_backup)

    s = sub.add_parser("restore", help="restore a backup into an empty database and data directory, then check it")
    s.add_argument("dir", help="a directory written by `backup`")
    s.set_defaults(run=_restore)

    from server import simulate  # a client of a running server (see its docstring)

    simulate.add_parser(sub)

    return p


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from server.migrate import SchemaTooNew

    args = parser().parse_args(argv)
    try:
        settings = get_settings()
    except ConfigError as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return 2
    try:
        code: int = args.run(args, settings)
    except SchemaTooNew as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:  # the database is not there, refuses the login, …
        where = make_url(settings.effective_database_url).render_as_string(hide_password=True)
        reason = str(exc.orig or exc).strip().splitlines()[0]
        print(f"cannot use the database {where}: {reason}", file=sys.stderr)
        return 2
    return code
