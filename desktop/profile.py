"""Erasing a profile: what a revoked desk does with everything it kept of its user's work.

One function, so that whatever a profile gains (an encryption key in the keyring, say) is erased
in one place: the profile directory (the local store with its outbox and drafts, the blob and
photo cache, thumbnails, the offline-unlock verifier) and the secrets kept for it outside it.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from api_client import TokenStore
from desktop.profile_key import forget_profile_key

log = logging.getLogger(__name__)


def wipe_profile(root: Path, tokens: TokenStore, username: str) -> bool:
    """Delete the profile directory ``root``, ``username``'s session and the profile's data key in the
    OS keyring (and the key held in this process).

    Call it with the profile's store closed (on Windows an open file cannot be deleted). True when
    nothing of the profile is left on disk."""
    tokens.delete(username)
    forget_profile_key(root)
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
    if root.exists():  # a file held open elsewhere: say so in the log; the desk is signed out anyway
        left = [str(p.relative_to(root)) for p in root.rglob("*")]
        log.error("the profile %s could not be erased completely: %s", root, left)
        return False
    return True
