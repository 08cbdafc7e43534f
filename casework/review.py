"""Review chains: how many levels a reply climbs, and who may review each level."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from casework.order import Importance
from casework.roles import Actor, Role


class ReviewLevel(StrEnum):
    """One level of the chain; the value names the role that reviews it."""

    SECTION_CHIEF = "section_chief"
    DEPARTMENT_HEAD = "department_head"
    LEADER_IN_CHARGE = "leader_in_charge"
    TOP_LEADER = "top_leader"


class ReviewDecision(StrEnum):
    """What a reviewer decided at one level (a review entry's ``decision``)."""

    APPROVED = "approved"  # 审核通过: the reply goes up the chain, or out
    RETURNED = "returned"  # 退回修改: back to the handler


_ROLE_OF_LEVEL = {
    ReviewLevel.SECTION_CHIEF: Role.SECTION_CHIEF,
    ReviewLevel.DEPARTMENT_HEAD: Role.DEPARTMENT_HEAD,
    ReviewLevel.LEADER_IN_CHARGE: Role.LEADER_IN_CHARGE,
    ReviewLevel.TOP_LEADER: Role.TOP_LEADER,
}

DEFAULT_CHAINS: Mapping[Importance, tuple[ReviewLevel, ...]] = {
    Importance.ORDINARY: (ReviewLevel.SECTION_CHIEF, ReviewLevel.DEPARTMENT_HEAD),
    # 三级把关: major orders add the city leader in charge and the top city leader.
    Importance.MAJOR: (
        ReviewLevel.SECTION_CHIEF,
        ReviewLevel.DEPARTMENT_HEAD,
        ReviewLevel.LEADER_IN_CHARGE,
        ReviewLevel.TOP_LEADER,
    ),
}


@dataclass(frozen=True)
class ReviewChainConfig:
    """Levels per importance, with per-department overrides (keyed by department code)."""

    default: Mapping[Importance, tuple[ReviewLevel, ...]] = field(default_factory=lambda: dict(DEFAULT_CHAINS))
    per_department: Mapping[str, Mapping[Importance, tuple[ReviewLevel, ...]]] = field(default_factory=dict)

    def chain_for(self, department_code: str, importance: Importance) -> tuple[ReviewLevel, ...]:
        override = self.per_department.get(department_code, {})
        chain = override.get(importance) or self.default[importance]
        if not chain:
            raise ValueError("a review chain needs at least one level")
        return tuple(chain)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Mapping[str, Sequence[str]]]) -> ReviewChainConfig:
        """Build from plain data: ``{"default"|DEPT_CODE: {importance: [level, ...]}}``."""
        default = dict(DEFAULT_CHAINS)
        per_department: dict[str, dict[Importance, tuple[ReviewLevel, ...]]] = {}
        for key, chains in data.items():
            parsed = {Importance(i): tuple(ReviewLevel(x) for x in levels) for i, levels in chains.items()}
            if key == "default":
                default.update(parsed)
            else:
                per_department[key] = parsed
        return cls(default=default, per_department=per_department)


@dataclass(frozen=True)
class ChainVersion:
    """One version of the review chains, as an administrator saved it: in force from ``effective_from``."""

    id: int
    effective_from: date
    chains: Mapping[str, Mapping[str, Sequence[str]]]


def version_in_force(versions: Iterable[ChainVersion], day: date) -> ChainVersion | None:
    """The version in force on ``day``: of those effective by then, the one with the latest
    ``effective_from`` (the newest saved, on a tie). None before the first version."""
    effective = [v for v in versions if v.effective_from <= day]
    return max(effective, key=lambda v: (v.effective_from, v.id), default=None)


def chains_in_force(versions: Iterable[ChainVersion], day: date) -> ReviewChainConfig:
    """The chains a reply submitted on ``day`` climbs; the built-in defaults before any version."""
    version = version_in_force(versions, day)
    return ReviewChainConfig() if version is None else ReviewChainConfig.from_mapping(version.chains)


def may_review(actor: Actor, level: ReviewLevel, lead_department_id: int | None, reply_author_id: int | None) -> bool:
    """True when ``actor`` is a reviewer of ``level`` for an order of that department.

    A reviewer never reviews their own reply.
    """
    if reply_author_id is not None and actor.user_id == reply_author_id:
        return False
    if actor.role is not _ROLE_OF_LEVEL[level]:
        return False
    if level in (ReviewLevel.SECTION_CHIEF, ReviewLevel.DEPARTMENT_HEAD):
        return lead_department_id is not None and actor.department_id == lead_department_id
    if level is ReviewLevel.LEADER_IN_CHARGE:
        return lead_department_id in actor.portfolio
    return True  # the top city leader reviews every major order
