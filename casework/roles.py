"""Who uses CaseDesk, and who a given user is in relation to an order."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """A user's role: who uses CaseDesk (README, "How the domain works")."""

    HANDLER = "handler"  # 承办人, field inspectors included
    SECTION_CHIEF = "section_chief"  # 科室负责人
    DEPARTMENT_HEAD = "department_head"  # 单位主要负责人
    LEADER_IN_CHARGE = "leader_in_charge"  # 市分管领导
    TOP_LEADER = "top_leader"  # 市主要领导
    CENTRE_AGENT = "centre_agent"  # 话务员/派单员
    CENTRE_SUPERVISOR = "centre_supervisor"  # 值班长: a centre agent who may also close after an unsatisfied callback
    ADMIN = "admin"


DEPARTMENT_ROLES = frozenset({Role.HANDLER, Role.SECTION_CHIEF, Role.DEPARTMENT_HEAD})
#: The hotline centre's staff: everything a centre agent may do, the supervisor may do too.
CENTRE_ROLES = frozenset({Role.CENTRE_AGENT, Role.CENTRE_SUPERVISOR})


@dataclass(frozen=True)
class Actor:
    """The caller of a command: enough to decide what they may see and do."""

    user_id: int
    role: Role
    department_id: int | None
    portfolio: frozenset[int] = field(default_factory=frozenset)
    may_sign: bool = False  # a handler given the right to sign for orders

    @property
    def is_centre(self) -> bool:
        return self.role in CENTRE_ROLES

    @property
    def is_centre_supervisor(self) -> bool:
        """The centre's 值班长: may close an order after an unsatisfied callback, with a reason."""
        return self.role is Role.CENTRE_SUPERVISOR

    @property
    def is_department_staff(self) -> bool:
        return self.role in DEPARTMENT_ROLES

    @property
    def is_supervisor(self) -> bool:
        """Chief or head: may sign and assign within their department."""
        return self.role in (Role.SECTION_CHIEF, Role.DEPARTMENT_HEAD)
