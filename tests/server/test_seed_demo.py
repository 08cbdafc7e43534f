"""``seed-demo``: a believable city whose orders went through the real services."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.app import create_app
from server.audit.service import verify
from server.db import make_engine, make_session_factory
from server.demo import content
from server.demo.seed import DEMO_PASSWORD, seed
from server.migrate import upgrade
from server.models import Attachment, Order
from server.settings import Settings


def test_seed_demo_builds_a_consistent_city(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'demo.db'}", demo_mode=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        report = seed(session, settings, orders=160, rng_seed=7)
        session.commit()
        assert "160 orders" in report and DEMO_PASSWORD in report
        assert seed(session, settings) == "demo city already present; nothing to do"
    with Session(engine) as session:
        states = dict(session.execute(select(Order.state, func.count()).group_by(Order.state)).all())
        assert {"received", "dispatched", "in_progress", "in_review", "replied", "closed"} <= set(states)
        assert sum(states.values()) == 160
        checked, problems = verify(session)
        assert problems == [] and checked > 160 * 3
        attachment = session.scalars(select(Attachment)).first()
        assert attachment is not None
        order = session.get(Order, attachment.order_id)
    engine.dispose()

    with TestClient(create_app(settings)) as client:
        for username in content.DEMO_LOGINS:
            response = client.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, username
        agent = client.post("/auth/login", json={"username": "agent", "password": DEMO_PASSWORD}).json()
        headers = {"Authorization": f"Bearer {agent['access_token']}"}
        photo = client.get(f"/blobs/{attachment.sha256}", headers=headers)
        assert photo.status_code == 200 and photo.content[:3] == b"\xff\xd8\xff"
        detail = client.get(f"/orders/{order.id}", headers=headers).json()
        assert detail["title"] and any(a["sha256"] == attachment.sha256 for a in detail["attachments"])

        # The knowledge base: 2,000 entries (a city of 100 orders or more), searchable, each with its version.
        hits = client.get("/knowledge/search", params={"q": "我家楼下的路灯坏了好几天了"}, headers=headers).json()
        assert hits and "路灯" in hits[0]["entry"]["title"]
        versions = client.get(f"/knowledge/entries/{hits[0]['entry']['id']}/versions", headers=headers).json()
        assert [v["version"] for v in versions] == [1] and versions[0]["answer"] == hits[0]["entry"]["answer"]
        held, cursor = 0, None
        while True:
            page = client.get("/knowledge/sync", params={"cursor": cursor or "", "limit": 1000}, headers=headers).json()
            held, cursor = held + len(page["entries"]), page["cursor"]
            if not page["more"]:
                break
        assert 1700 <= held < 2000  # the published ones (the centre's desk keeps no drafts)
        templates = client.get("/knowledge/templates", headers=headers).json()
        assert [t["title"] for t in templates][:2] == ["开头问候", "现场核实"]


def test_outside_demo_mode_the_demo_password_must_be_changed_first(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        seed(session, settings, orders=2, rng_seed=7)
        session.commit()
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        signed_in = client.post("/auth/login", json={"username": "handler", "password": DEMO_PASSWORD})
        assert signed_in.json()["user"]["must_change_password"] is True
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        assert client.get("/orders", headers=headers).json()["code"] == "password_change_required"
