"""Argon2id password hashing."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes): about 50 ms a sign-in here,
# where the library's default (64 MiB, 3 passes) costs five times that on a 2-core server.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Compared against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("casedesk-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
