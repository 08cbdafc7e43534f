"""The administrator's door to the server: departments, users, categories, review chains and the
working-day calendar, read and changed on the server directly (nothing of it is cached: an admin
works online, and the desk says so plainly when the server cannot be reached).

Every method blocks (run it on the runner's network lane); a refusal is the server's
:class:`~api_client.errors.ApiError` with its bilingual message, a lost connection
:class:`~api_client.errors.Offline`. Every change the server makes here is in its audit chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from api_client import CaseDeskClient
from api_client.errors import Offline
from casework.devices import DeviceOut
from casework.schemas import (
    CalendarOut,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    DayIn,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    RecomputeOut,
    ReviewChainVersionIn,
    ReviewChainVersionOut,
    TemporaryPassword,
    UserIn,
    UserOut,
    UserPatch,
)

__all__ = ["Administration", "Directory", "Offline"]


@dataclass(frozen=True)
class Directory:
    """What the admin screens list, read in one go so the tabs agree with each other."""

    departments: list[DepartmentOut]
    users: list[UserOut]
    categories: list[CategoryOut]


class Administration:
    """A signed-in administrator's calls (``ensure_session`` signs in again when the desk opened offline)."""

    def __init__(self, client: CaseDeskClient, ensure_session: Callable[[], None] = lambda: None) -> None:
        self._client = client
        self._ensure = ensure_session

    def directory(self) -> Directory:
        self._ensure()
        return Directory(self._client.departments(), self._client.users(), self._client.categories())

    def create_department(self, body: DepartmentIn) -> DepartmentOut:
        self._ensure()
        return self._client.create_department(body)

    def update_department(self, department_id: int, patch: DepartmentPatch) -> DepartmentOut:
        self._ensure()
        return self._client.update_department(department_id, patch)

    def create_user(self, body: UserIn) -> UserOut:
        self._ensure()
        return self._client.create_user(body)

    def update_user(self, user_id: int, patch: UserPatch) -> UserOut:
        self._ensure()
        return self._client.update_user(user_id, patch)

    def reset_password(self, user_id: int) -> TemporaryPassword:
        """A one-time temporary password for the user (they must change it at the next sign-in)."""
        self._ensure()
        return self._client.reset_password(user_id)

    def devices_of(self, user_id: int) -> list[DeviceOut]:
        """The user's desks, revoked ones too."""
        self._ensure()
        return self._client.devices(user_id)

    def revoke_device(self, device_id: int) -> DeviceOut:
        """Cut a desk off: at its next contact it reports what it discards and erases its data."""
        self._ensure()
        return self._client.revoke_device(device_id)

    def create_category(self, body: CategoryIn) -> CategoryOut:
        self._ensure()
        return self._client.create_category(body)

    def update_category(self, code: str, patch: CategoryPatch) -> CategoryOut:
        self._ensure()
        return self._client.update_category(code, patch)

    def review_chains(self) -> list[ReviewChainVersionOut]:
        self._ensure()
        return self._client.review_chains()

    def add_review_chains(self, body: ReviewChainVersionIn) -> ReviewChainVersionOut:
        self._ensure()
        return self._client.add_review_chains(body)

    def calendar(self) -> CalendarOut:
        self._ensure()
        return self._client.calendar()

    def add_calendar_day(self, day: DayIn) -> RecomputeOut:
        self._ensure()
        return self._client.add_calendar_days([day])

    def remove_calendar_day(self, day: date) -> RecomputeOut:
        self._ensure()
        return self._client.remove_calendar_day(day)

    def load_calendar_year(self, year: int, csv_text: str) -> RecomputeOut:
        self._ensure()
        return self._client.load_calendar_year(year, csv_text)
