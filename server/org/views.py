"""Organisation rows as wire models."""

from __future__ import annotations

from casework.roles import Role
from casework.schemas import DepartmentOut, UserOut
from server.models import Department, User


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        name=user.name,
        role=Role(user.role),
        department_id=user.department_id,
        portfolio=sorted(d.id for d in user.portfolio),
        may_sign=user.may_sign,
        active=user.active,
        must_change_password=user.must_change_password,
    )


def department_out(department: Department) -> DepartmentOut:
    return DepartmentOut(
        id=department.id,
        code=department.code,
        name=department.name,
        name_en=department.name_en,
        kind=department.kind,
        active=department.active,
    )
