"""The desk's work lists (to sign, mine, to review …): their codes, named in ``casework.vocabulary``.

Which orders each list holds is the desk's own business (``offline/worklists.py``, conditions on
the local store); the codes live here so that the lists are named once, beside the states some of
them are named after.
"""

from __future__ import annotations

from enum import StrEnum


class WorkList(StrEnum):
    """The desk's sidebar lists, in no particular order (the window orders them)."""

    TO_SIGN = "to_sign"  # dispatched, waiting for the department to sign (named as the state)
    MINE = "mine"  # in progress in the user's hands (named as the state)
    RETURNED = "returned"  # 退回给我的
    TO_REVIEW = "to_review"  # 待我审核
    SUBMITTED = "submitted"  # 已提交
    CLOSED = "closed"  # closed (named as the state)
    OVERDUE = "overdue"  # 已超期
    DUE_SOON = "due_soon"  # 即将到期
    # The hotline centre's lists (a centre agent or supervisor):
    TO_DISPATCH = "to_dispatch"  # 待派单: received orders the centre may dispatch
    TO_RULE = "to_rule"  # 待裁定: a department's 退单 or 延期 request waiting for the centre's ruling
    TO_CALL_BACK = "to_call_back"  # 待回访: replied orders to call back (and close or send back)
    # A co-handling department's list: orders where its own part (协办) waits for it to sign or answer.
    CO_HANDLING = "co_handling"  # 协办
    ALL = "all"
    # Warnings and supervision (every desk):
    WARNINGS = "warnings"  # 预警: open orders near or past the deadline in force
    SUPERVISED = "supervised"  # 督办: open orders the user was told of a 督办, 催办 or 督办反馈 about
