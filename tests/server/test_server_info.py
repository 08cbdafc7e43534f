"""``GET /server-info``: a stable identity per database, given without sign-in."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import delete

from casework.schemas import API_VERSION, ServerInfo
from server.app import create_app
from server.db import make_engine
from server.migrate import upgrade
from server.models.meta import ServerInstance
from server.settings import Settings
from tests.fixtures.city import Api


def test_server_info_names_the_database_without_sign_in(api: Api, settings: Settings) -> None:
    answer = api.client.get("/server-info")
    assert answer.status_code == 200, answer.text
    info = ServerInfo.model_validate(answer.json())
    assert uuid.UUID(info.id) and info.api_version == API_VERSION and info.version and info.name == "CaseDesk"

    # Another process on the same database (a restart, another port, another worker) is the same server.
    again = create_app(settings)
    with TestClient(again) as other:
        assert other.get("/server-info").json()["id"] == info.id
    again.state.engine.dispose()


def test_each_new_database_gets_its_own_id_once(tmp_path: Path) -> None:
    ids = []
    for name in ("a", "b"):
        settings = Settings(data_dir=tmp_path / name, server_name="高邮市12345")
        settings.data_dir.mkdir()
        engine = make_engine(settings.effective_database_url)
        upgrade(engine)
        upgrade(engine)  # a second upgrade keeps it
        app = create_app(settings)
        with TestClient(app) as client:
            body = client.get("/server-info").json()
        assert body["name"] == "高邮市12345"
        ids.append(body["id"])
        app.state.engine.dispose()
        # A database without the row (made some other way) gets one on first asking, and keeps it.
        with engine.begin() as connection:
            connection.execute(delete(ServerInstance))
        app = create_app(settings)
        with TestClient(app) as client:
            made = client.get("/server-info").json()["id"]
            assert made != body["id"] and client.get("/server-info").json()["id"] == made
        app.state.engine.dispose()
        engine.dispose()
    assert ids[0] != ids[1]
