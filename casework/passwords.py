"""The password policy: one definition, checked by the server and shown (and pre-checked) by the desk.

A password must be at least :data:`MIN_LENGTH` characters long, must not contain the username,
must not be one of the commonly used passwords in ``common_passwords.txt`` (compared without case),
and must mix at least two kinds of character (letters, digits, other signs) — ``aaaaaaaaaaaa`` or
``1234567890123`` are refused however long they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

MIN_LENGTH = 10
MAX_LENGTH = 200


class PasswordRule(StrEnum):
    """A rule of the policy. The value is the wire code of its refusal."""

    TOO_SHORT = "password_too_short"
    TOO_LONG = "password_too_long"
    CONTAINS_USERNAME = "password_contains_username"
    COMMON = "password_common"
    ONE_KIND = "password_one_kind"
    REUSED = "password_unchanged"


_MESSAGES: dict[PasswordRule, tuple[str, str]] = {
    PasswordRule.TOO_SHORT: (
        f"密码至少需要 {MIN_LENGTH} 个字符",
        f"The password needs at least {MIN_LENGTH} characters",
    ),
    PasswordRule.TOO_LONG: (
        f"密码不能超过 {MAX_LENGTH} 个字符",
        f"The password may have at most {MAX_LENGTH} characters",
    ),
    PasswordRule.CONTAINS_USERNAME: ("密码不能包含用户名", "The password must not contain the username"),
    PasswordRule.COMMON: ("该密码过于常见，容易被猜中，请换一个", "This password is too common and easily guessed"),
    PasswordRule.ONE_KIND: (
        "密码须包含至少两类字符（字母、数字、符号）",
        "The password must mix at least two kinds of character (letters, digits, symbols)",
    ),
    PasswordRule.REUSED: ("新密码不能与原密码相同", "The new password must differ from the old one"),
}

#: The policy in one sentence each, for the desk's password dialog.
POLICY_ZH = f"至少 {MIN_LENGTH} 个字符；不含用户名；不是常见密码；包含字母、数字、符号中的至少两类。"
POLICY_EN = (
    f"At least {MIN_LENGTH} characters; not containing the username; not a common password; "
    "at least two of letters, digits and symbols."
)


@dataclass(frozen=True)
class PasswordProblem:
    """Why a password is refused: the rule and its message in Chinese and English."""

    rule: PasswordRule

    @property
    def message_zh(self) -> str:
        return _MESSAGES[self.rule][0]

    @property
    def message_en(self) -> str:
        return _MESSAGES[self.rule][1]


@cache
def common_passwords() -> frozenset[str]:
    """The list shipped with the package, lower case."""
    text = files("casework").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _kinds(password: str) -> int:
    letters = any(c.isalpha() for c in password)
    digits = any(c.isdigit() for c in password)
    others = any(not c.isalnum() for c in password)
    return letters + digits + others


def check_password(password: str, username: str, old_password: str | None = None) -> PasswordProblem | None:
    """The first rule ``password`` breaks, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem(PasswordRule.TOO_SHORT)
    if len(password) > MAX_LENGTH:
        return PasswordProblem(PasswordRule.TOO_LONG)
    lowered = password.casefold()
    if username and username.casefold() in lowered:
        return PasswordProblem(PasswordRule.CONTAINS_USERNAME)
    if old_password is not None and password == old_password:
        return PasswordProblem(PasswordRule.REUSED)
    if lowered in common_passwords() or _without_trailing_digits(lowered) in common_passwords():
        return PasswordProblem(PasswordRule.COMMON)
    if _kinds(password) < 2:
        return PasswordProblem(PasswordRule.ONE_KIND)
    return None


def _without_trailing_digits(lowered: str) -> str:
    # "password2026!" and "qwertyuiop1" are the list's words with a year or a digit appended.
    return lowered.rstrip("0123456789!.@#$%^&*?")
