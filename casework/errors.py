"""Domain refusals with a machine-readable code and a message in Chinese and English."""

from __future__ import annotations

from enum import StrEnum

from casework.order import UNREACHABLE_ATTEMPTS_TO_CLOSE as _N


class Refusal(StrEnum):
    """Why the domain refuses a command. The value is the wire code."""

    WRONG_STATE = "wrong_state"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    OWN_REPLY = "own_reply"
    NOT_YOUR_LEVEL = "not_your_level"
    RETURN_WINDOW_CLOSED = "return_window_closed"
    EXTENSION_PENDING = "extension_pending"
    NO_EXTENSION_PENDING = "no_extension_pending"
    CALLBACK_REQUIRED = "callback_required"
    CALLBACK_SETTLED = "callback_settled"
    UNSATISFIED_CALLBACK = "unsatisfied_callback"
    CLOSE_REASON_REQUIRED = "close_reason_required"
    DEPARTMENT_REQUIRED = "department_required"
    # co-handling (协办)
    CO_HANDLING_OUTSTANDING = "co_handling_outstanding"
    CO_PART_NOT_PENDING = "co_part_not_pending"
    CO_NOT_SIGNED = "co_not_signed"
    CO_PART_WAIVED = "co_part_waived"
    CO_ALREADY_ANSWERED = "co_already_answered"
    NO_CO_HANDLING_OUTSTANDING = "no_co_handling_outstanding"
    ALREADY_HANDLING = "already_handling"
    NOT_SUPERVISED = "not_supervised"


_MESSAGES: dict[Refusal, tuple[str, str]] = {
    Refusal.WRONG_STATE: (
        "工单当前状态不允许此操作",
        "This action is not allowed in the order's current state",
    ),
    Refusal.ROLE_NOT_ALLOWED: (
        "您的角色无权对该工单执行此操作",
        "Your role may not perform this action on this order",
    ),
    Refusal.OWN_REPLY: ("不能审核自己撰写的答复", "You may not review your own reply"),
    Refusal.NOT_YOUR_LEVEL: (
        "当前审核环节不由您负责",
        "The current review level is not yours",
    ),
    Refusal.RETURN_WINDOW_CLOSED: (
        "已超过可申请退单的期限",
        "The window for requesting a return has closed",
    ),
    Refusal.EXTENSION_PENDING: (
        "已有一项延期申请待审批",
        "An extension request is already pending",
    ),
    Refusal.NO_EXTENSION_PENDING: (
        "没有待审批的延期申请",
        "There is no pending extension request",
    ),
    Refusal.CALLBACK_REQUIRED: (
        f"办结规则：须回访市民满意或基本满意，或连续{_N}次回访未联系上，方可办结",
        f"Closing rule: the citizen must be satisfied (or basically satisfied) at the callback,"
        f" or not reached in {_N} attempts in a row",
    ),
    Refusal.CALLBACK_SETTLED: (
        "本轮回访已联系上市民并记录结果：满意可办结，不满意应重办（或由值班长说明理由后办结）",
        "The citizen was reached and gave a verdict: close if satisfied; if not, re-handle"
        " (or the centre supervisor closes with a reason)",
    ),
    Refusal.UNSATISFIED_CALLBACK: (
        "办结规则：市民回访不满意，应退回重办；确需办结的，须由中心值班长填写理由后办结",
        "Closing rule: the citizen was unsatisfied; re-handle the order, or the centre supervisor"
        " closes it with a reason",
    ),
    Refusal.CLOSE_REASON_REQUIRED: (
        "市民回访不满意，值班长办结须填写理由",
        "The citizen was unsatisfied: the supervisor must give a reason to close",
    ),
    Refusal.DEPARTMENT_REQUIRED: (
        "请指定承办单位",
        "A responsible department is required",
    ),
    Refusal.CO_HANDLING_OUTSTANDING: (
        "协办单位尚未反馈协办意见，暂不能提交答复（或由热线中心免除协办）",
        "A co-handling department has not given its opinion yet; the reply cannot be submitted"
        " (or the centre waives the co-handling)",
    ),
    Refusal.CO_PART_NOT_PENDING: (
        "本单位的协办部分无需签收（已签收、已反馈或已免除）",
        "Your department's co-handling part needs no signing (signed, answered or waived already)",
    ),
    Refusal.CO_NOT_SIGNED: (
        "请先签收协办任务，再提交协办意见",
        "Sign for the co-handling part before giving the opinion",
    ),
    Refusal.CO_PART_WAIVED: (
        "热线中心已免除本单位的协办",
        "The centre has waived your department's co-handling",
    ),
    Refusal.CO_ALREADY_ANSWERED: (
        "本单位已提交协办意见（如需补充，请添加备注）",
        "Your department has given its opinion already (add a note to say more)",
    ),
    Refusal.NO_CO_HANDLING_OUTSTANDING: (
        "该单位没有待完成的协办任务",
        "That department has no outstanding co-handling part",
    ),
    Refusal.ALREADY_HANDLING: (
        "该单位已是本工单的主办或协办单位",
        "That department already leads or co-handles the order",
    ),
    Refusal.NOT_SUPERVISED: (
        "该工单未被督办，无需督办反馈",
        "The order is not under supervision: there is no 督办 to answer",
    ),
}


class CommandRefused(Exception):
    """A command that the state machine, the review chain or the rules refuse."""

    def __init__(self, refusal: Refusal, detail: str = "") -> None:
        self.refusal = refusal
        self.detail = detail
        zh, en = _MESSAGES[refusal]
        self.message_zh = zh
        self.message_en = en
        super().__init__(f"{refusal.value}: {en}" + (f" ({detail})" if detail else ""))

    @property
    def code(self) -> str:
        return self.refusal.value
