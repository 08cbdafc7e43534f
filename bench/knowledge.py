"""Search of the knowledge base (知识库) from a citizen's sentence, on PostgreSQL at 100,000 entries.

    python -m bench.knowledge [--pg URL] [--entries 100000] [--queries 40]

A scratch database (dropped afterwards) is migrated to head — pg_trgm and the GIN trigram index
over ``search_text`` included — and given the demo city's departments and categories and
``--entries`` entries composed by ``server.demo.content.knowledge_entries`` (the demo's own
generator: 45 topics × 8 aspects × 12 towns × editions, 90 % published), inserted in bulk with
their keywords, then ``VACUUM ANALYZE``. What is timed: ``server.knowledge.search.search`` — what
``GET /knowledge/search`` calls — for ``--queries`` citizens' sentences (spoken-style, with filler,
places and numbers), as the centre's agent, 20 hits; each of its two candidate steps alone; and
the baseline, a plain indexed look-up (one entry by its primary key, with its row). Target:
p50 and p95 ≤ 100 ms (issue #13). Prints the load average: compare ratios first.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from casework import knowledge
from casework.roles import Actor, Role
from server.db import make_engine
from server.demo import content
from server.knowledge import search
from server.knowledge.repository import entry_scope
from server.migrate import upgrade
from server.models import Category, Department, KeywordRow, KnowledgeEntryRow

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 100
CENTRE = Actor(user_id=1, role=Role.CENTRE_AGENT, department_id=1)

SENTENCES = [
    "你好，我家楼下的路灯坏了好几天了，晚上特别黑，找谁修啊？",
    "我在车逻镇，家里突然停水了，什么时候能来水",
    "老板拖欠我三个月工资不发，我该怎么办",
    "请问我租房住，公积金能不能取出来交房租",
    "小区门口有人天天摆摊卖菜，把路都堵了",
    "楼上装修晚上十一点还在打电钻，吵得睡不着",
    "我们村里的垃圾好多天没人来收了，臭死了",
    "孩子明年上小学，户口不在本地能报名吗",
    "养老金这个月怎么还没到账",
    "楼下饭店的油烟直接排到我家窗户",
    "马路中间有个大坑，电动车差点摔了",
    "井盖翘起来了，车一压就哐当响",
    "出租车司机不打表还绕路，怎么投诉",
    "买到过期的牛奶，超市不给退",
    "下雨以后小区里积水有半米深",
    "家里突然停电了，整栋楼都没电",
    "电线杆歪了，电线垂得很低，很危险",
    "邻居家的狗天天叫，跟他说也不听",
    "养猪场的臭味太大了，窗户都不敢开",
    "我想给房产证加上老婆的名字要带什么",
    "宅基地上翻建老房子需要审批吗",
    "身份证丢了怎么补办，要多长时间",
    "异地住院的医药费回来能报销吗",
    "培训机构关门了，交的学费退不回来",
    "公交车班次太少，早上等了四十分钟",
    "红绿灯坏了，路口很乱",
    "消防通道被私家车占了",
    "河里的水发黑发臭，好像有工厂排污",
    "有人在田里烧秸秆，烟很大",
    "电梯又坏了，老人被困在里面半小时",
    "小区物业不作为，电梯坏了也不修",
    "新生儿上户口需要哪些材料",
    "失业了，能不能领失业金",
    "水费这个月突然翻倍了",
    "楼顶有人搭了一个阳光房，是不是违建",
    "行道树的树枝伸到我家窗户里了",
    "疫苗在哪里打，需要预约吗",
    "医院排队太久了，医生态度也不好",
    "老小区加装电梯怎么申请",
    "充电桩太少，电动车只能在楼道里充电",
]


@contextmanager
def scratch_database(url: str, keep: str | None = None) -> Iterator[tuple[str, bool]]:
    """A new database on the server at ``url``, dropped afterwards whatever happens — or, with
    ``keep``, the database of that name, kept (and reused when there: then the flag is True)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = keep or f"casedesk_bench_knowledge_{os.getpid()}"
    with admin.connect() as c:
        exists = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not (keep and exists):
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False), bool(keep and exists)
    finally:
        if not keep:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"\ndatabase {name} dropped")
        else:
            print(f"\ndatabase {name} kept (drop it when done)")
        admin.dispose()


def build(engine: Any, count: int) -> None:
    started = time.perf_counter()
    upgrade(engine)
    now = datetime.now(UTC)
    specs = content.knowledge_entries(random.Random(7), count)
    print(f"  composed {count:,} entries in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with Session(engine) as session:
        departments = {}
        for unit in content.DEPARTMENTS:
            row = Department(code=unit.code, name=unit.name, name_en=unit.name_en, kind=unit.kind)
            session.add(row)
            departments[unit.code] = row
        for category in content.CATEGORIES:
            session.add(Category(code=category.code, name=category.name, parent_code=category.parent))
        session.flush()
        batch = 5000
        for start in range(0, count, batch):
            rows: list[dict[str, Any]] = []
            for n, spec in enumerate(specs[start : start + batch], start=start + 1):
                keywords = list(dict.fromkeys(k.lower() for k in spec.keywords))
                rows.append(
                    {
                        "id": n,
                        "title": spec.title,
                        "questions": spec.questions,
                        "answer": spec.answer,
                        "basis_document": spec.document,
                        "basis_number": spec.number,
                        "basis_article": spec.article,
                        "basis_issuer": spec.issuer,
                        "basis_effective_from": date(spec.effective_year, 1, 1),
                        "basis_expires_on": None,
                        "category_code": spec.category,
                        "department_id": departments[spec.department].id,
                        "keywords": keywords,
                        "status": spec.status,
                        "version": 1,
                        "author_id": None,
                        "reviewer_id": None,
                        "search_text": knowledge.search_text(spec.title, spec.questions, keywords, spec.answer),
                        "left_department_id": None,
                        "change_seq": n,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            session.execute(insert(KnowledgeEntryRow), rows)
            session.execute(
                insert(KeywordRow), [{"entry_id": r["id"], "keyword": k[:30]} for r in rows for k in r["keywords"]]
            )
        session.commit()
    print(f"  inserted entries and keywords in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE knowledge_entries"))
        c.execute(text("VACUUM ANALYZE knowledge_keywords"))
        has_index = c.execute(
            text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_knowledge_entries_search_trgm'")
        ).first()
    print(
        f"  vacuum analyze in {time.perf_counter() - started:.1f} s; GIN trigram index: {'yes' if has_index else 'NO'}"
    )


def load() -> str:
    with open("/proc/loadavg") as f:
        return f.read().strip()


def timed(runs: int, call: Callable[[int], object]) -> list[float]:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, times: list[float], target: float | None = None) -> float:
    median = statistics.median(times)
    verdict = ""
    if target is not None:
        verdict = "  OK" if median <= target and p95(times) <= target else "  MISSED"
        verdict += f" (target p50 and p95 ≤ {target:.0f} ms)"
    print(f"  {label:<44} p50 {median:7.2f} ms   p95 {p95(times):7.2f} ms{verdict}")
    return median


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", metavar="URL", default=DEFAULT_PG, help="PostgreSQL server (default %(default)s)")
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=len(SENTENCES))
    p.add_argument("--keep", metavar="NAME", help="keep the database under this name, and reuse it if there")
    args = p.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"load average at start: {load()}")
    with scratch_database(args.pg, args.keep) as (url, reused):
        engine = make_engine(url, pool_size=1)
        if not reused:
            print(f"building {args.entries:,} entries on PostgreSQL")
            build(engine, args.entries)
        sentences = [SENTENCES[i % len(SENTENCES)] for i in range(args.queries)]
        with Session(engine) as session:
            first_hits = {}
            for s in sentences[:5]:  # warm the caches
                search.search(session, CENTRE, s)
            where = [entry_scope(CENTRE), search._statuses(False)]
            print(f"\n{args.queries} citizens' sentences, {args.entries:,} entries, as the centre's agent, 20 hits:")
            baseline = report(
                "baseline: one entry by primary key",
                timed(
                    args.queries,
                    lambda i: session.scalars(
                        select(KnowledgeEntryRow).where(KnowledgeEntryRow.id == 1 + i * 997 % args.entries)
                    ).one(),
                ),
            )
            report(
                "  step: keyword look-up",
                timed(args.queries, lambda i: search._keyword_candidates(session, sentences[i])),
            )
            report(
                "  step: trigram candidates (GIN, ranked)",
                timed(
                    args.queries,
                    lambda i: search._text_candidates(
                        session, search._grams(knowledge.query_terms(sentences[i])), where
                    ),
                ),
            )

            def one(i: int) -> None:
                hits = search.search(session, CENTRE, sentences[i])
                first_hits[sentences[i]] = hits[0].entry.title if hits else "—"

            median = report("search(): the whole GET /knowledge/search", timed(args.queries, one), TARGET_MS)
            print(f"  ratio search / baseline (p50): {median / baseline:.0f}×")
            print("\nbest hit of a few sentences:")
            for sentence in SENTENCES[:6]:
                print(f"  {sentence}  →  {first_hits.get(sentence, '—')}")
        engine.dispose()
    print(f"load average at end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
