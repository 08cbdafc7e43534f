"""The desktop client's offline store: a local SQLite copy of the caller's orders plus an outbox.

No Qt here: the desktop views sit on top of these queries.
"""

from offline.db import SCHEMA_VERSION, StoreTooNew, open_store
from offline.store import Store, UnknownOrder

__all__ = ["SCHEMA_VERSION", "Store", "StoreTooNew", "UnknownOrder", "open_store"]
