"""The server's identity (``GET /server-info``): an id made once per database, never changed."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.models.meta import ServerInstance


def instance_id(engine: Engine) -> str:
    """The database's instance id; made here if the database has none yet (the migration makes it)."""
    with Session(engine) as session:
        found = session.scalar(select(ServerInstance.instance_id).where(ServerInstance.id == 1))
        if found is not None:
            return found
        session.add(ServerInstance(id=1, instance_id=str(uuid.uuid4())))
        try:
            session.commit()
        except IntegrityError:  # another worker made it first: theirs stands
            session.rollback()
        found = session.scalar(select(ServerInstance.instance_id).where(ServerInstance.id == 1))
        assert found is not None
        return found
