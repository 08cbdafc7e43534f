"""Departments, users and categories (admin), shared by the API and the command line.

Every change is one record in the audit chain with the fields before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.roles import DEPARTMENT_ROLES, Role
from casework.schemas import CategoryIn, CategoryPatch, DepartmentIn, DepartmentPatch, UserIn, UserPatch
from server.audit.service import record
from server.auth.devices import revoke_all_devices
from server.auth.passwords import hash_password
from server.auth.service import check_new_password
from server.errors import ApiError, invalid, not_found
from server.models import Category, Department, User
from server.org import repository


def _insert(session: Session, row: object, taken: Callable[[], bool], duplicate: ApiError) -> None:
    """Insert a new row whose unique key was checked free just before. Two requests creating the
    same code at once both pass that check (PostgreSQL): the later insert then fails on the key,
    in a savepoint, and answers the same 409 as the check — not a 500."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        if not taken():
            raise
        raise duplicate from None


def create_department(session: Session, body: DepartmentIn, actor_id: int | None, now: datetime) -> Department:
    duplicate = ApiError(409, "duplicate", "该单位代码已存在", "A department with this code exists")
    if repository.department_by_code(session, body.code):
        raise duplicate
    department = Department(code=body.code, name=body.name, name_en=body.name_en, kind=body.kind)
    _insert(session, department, lambda: repository.department_by_code(session, body.code) is not None, duplicate)
    record(
        session, actor_id, "create_department", None, {}, {"department": body.model_dump(), "id": department.id}, now
    )
    return department


def update_department(
    session: Session, department_id: int, body: DepartmentPatch, actor_id: int | None, now: datetime
) -> Department:
    """Rename, re-kind, deactivate or reactivate a department (deactivating only when nothing
    open points at it: its orders, its active staff, the categories dispatched to it)."""
    department = session.get(Department, department_id)
    if department is None:
        raise not_found("单位", "department")
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("active") is False and department.active:
        _refuse_if_in_use(session, department)
    staff = repository.active_staff(session, department.id)
    if changes.get("kind", department.kind) != "department" and any(Role(u.role) in DEPARTMENT_ROLES for u in staff):
        raise ApiError(
            409,
            "department_has_staff",
            "该单位有承办人员，不能改为非承办单位；请先调整人员",
            "The department has staff handling orders; move them before changing its kind",
        )
    _apply(
        session, department, changes, "update_department", {"id": department.id, "code": department.code}, actor_id, now
    )
    return department


def _refuse_if_in_use(session: Session, department: Department) -> None:
    orders = repository.open_orders_of(session, department.id)
    staff = len(repository.active_staff(session, department.id))
    categories = repository.categories_of(session, department.code)
    leaders = repository.leaders_over(session, department.id)
    if orders or staff or categories or leaders:
        parts = []
        if orders:
            parts.append(f"{orders} 张未办结工单")
        if staff:
            parts.append(f"{staff} 名在用人员")
        if categories:
            parts.append(f"{len(categories)} 个分类默认派往该单位")
        if leaders:
            parts.append(f"{len(leaders)} 位领导分管该单位")
        raise ApiError(
            409,
            "department_in_use",
            f"「{department.name}」仍有" + "、".join(parts) + "，不能停用；请先办结或转办工单、调整人员和分类",
            f"{department.name_en or department.code} is still in use ({orders} open orders, {staff} active users, "
            f"{len(categories)} categories, {len(leaders)} leaders in charge); move them first",
            {"open_orders": orders, "active_users": staff, "categories": categories, "leaders": leaders},
        )


def _apply(
    session: Session,
    row: Any,
    changes: dict[str, Any],
    action: str,
    key: dict[str, Any],
    actor_id: int | None,
    now: datetime,
    more: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
) -> None:
    """Set the fields that change and audit them: before and after, only what changed (``more``:
    other changes made by the caller, before and after)."""
    before = {k: getattr(row, k) for k in changes}
    changed = {k: v for k, v in changes.items() if before[k] != v}
    for name, value in changed.items():
        setattr(row, name, value)
    session.flush()
    if changed or more[1]:
        before = {k: before[k] for k in changed} | more[0]
        record(session, actor_id, action, None, key | before, key | changed | more[1], now)


def _check_membership(
    session: Session, role: Role, department_id: int | None, portfolio_ids: Sequence[int]
) -> tuple[Department | None, list[Department]]:
    """The same rules for a new user and an edited one."""
    department = session.get(Department, department_id) if department_id else None
    if department_id is not None and department is None:
        raise invalid("unknown_department", "所属单位不存在", "No such department")
    if department is not None and not department.active:
        raise invalid("inactive_department", "所属单位已停用", "The department is deactivated")
    if role in DEPARTMENT_ROLES and (department is None or department.kind != "department"):
        raise invalid("department_required", "部门人员须属于一个承办单位", "Department staff need a department")
    portfolio = [session.get(Department, d) for d in portfolio_ids]
    if any(d is None for d in portfolio):
        raise invalid("unknown_department", "分管单位不存在", "No such department in the portfolio")
    if portfolio and role is not Role.LEADER_IN_CHARGE:
        raise invalid("portfolio_for_leaders", "只有分管领导有分管单位", "Only a leader in charge has a portfolio")
    return department, [d for d in portfolio if d is not None]


def create_user(
    session: Session,
    body: UserIn,
    actor_id: int | None,
    now: datetime,
    *,
    password_hash: str | None = None,
    must_change_password: bool = False,
) -> User:
    """Create a user; ``password_hash`` lets a bulk seeder hash a shared password once (and skips
    the policy: the seeder's password is its own business). ``must_change_password``: the user
    must choose their own at first sign-in (a password someone else chose)."""
    if password_hash is None:
        check_new_password(body.password, body.username)
    duplicate = ApiError(409, "duplicate", "该用户名已存在", "A user with this username exists")
    if repository.user_by_username(session, body.username):
        raise duplicate
    _, portfolio = _check_membership(session, body.role, body.department_id, body.portfolio)
    user = User(
        username=body.username,
        name=body.name,
        role=body.role.value,
        department_id=body.department_id,
        may_sign=body.may_sign,
        password_hash=password_hash or hash_password(body.password),
        portfolio=portfolio,
        must_change_password=must_change_password,
    )
    _insert(session, user, lambda: repository.user_by_username(session, body.username) is not None, duplicate)
    summary = body.model_dump(exclude={"password"})
    summary["role"] = body.role.value
    record(session, actor_id, "create_user", None, {}, {"user": summary, "id": user.id}, now)
    return user


def update_user(session: Session, user_id: int, body: UserPatch, actor_id: int | None, now: datetime) -> User:
    """Change a user's name, role, department, portfolio, 签收 right, or (de)activate them.

    A deactivated user's next request is refused (every token is checked against ``active``), and
    every desk of theirs is revoked (it erases what it kept at its next contact).
    An administrator cannot deactivate themselves or take their own admin role away.
    """
    user = session.get(User, user_id)
    if user is None:
        raise not_found("用户", "user")
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if user.id == actor_id and (changes.get("active") is False or changes.get("role", Role.ADMIN) is not Role.ADMIN):
        raise ApiError(
            409,
            "own_account",
            "不能停用自己的账号或取消自己的管理员角色",
            "You cannot deactivate your own account or drop your own admin role",
        )
    role = Role(changes.get("role", user.role))
    department_id = changes.get("department_id", user.department_id)
    before_portfolio = sorted(d.id for d in user.portfolio)
    wanted = changes.pop("portfolio", before_portfolio if role is Role.LEADER_IN_CHARGE else [])
    _, portfolio = _check_membership(session, role, department_id, wanted)
    if "role" in changes:
        changes["role"] = role.value
    more: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    after_portfolio = sorted(d.id for d in portfolio)
    if after_portfolio != before_portfolio:
        user.portfolio = portfolio
        more = ({"portfolio": before_portfolio}, {"portfolio": after_portfolio})
    deactivated = changes.get("active") is False and user.active
    _apply(session, user, changes, "update_user", {"id": user.id, "username": user.username}, actor_id, now, more)
    if deactivated:  # their desks too: each wipes itself at its next contact
        revoke_all_devices(session, user, actor_id, now)
    return user


def create_category(session: Session, body: CategoryIn, actor_id: int | None, now: datetime) -> Category:
    duplicate = ApiError(409, "duplicate", "该分类编码已存在", "A category with this code exists")
    if session.get(Category, body.code) is not None:
        raise duplicate
    if body.parent_code and session.get(Category, body.parent_code) is None:
        raise invalid("unknown_category", "上级分类不存在", "No such parent category")
    _check_default_department(session, body.department_code)
    category = Category(**body.model_dump())
    taken = select(Category.code).where(Category.code == body.code)
    _insert(session, category, lambda: session.scalar(taken) is not None, duplicate)
    record(session, actor_id, "create_category", None, {}, {"category": body.model_dump()}, now)
    return category


def update_category(session: Session, code: str, body: CategoryPatch, actor_id: int | None, now: datetime) -> Category:
    """Rename a category, move it in the tree, or change the department it is dispatched to by default."""
    category = session.get(Category, code)
    if category is None:
        raise not_found("分类", "category")
    changes = body.model_dump(exclude_unset=True)
    for required in ("name", "name_en"):
        if required in changes and changes[required] is None:
            del changes[required]
    parent = changes.get("parent_code")
    if parent is not None:
        if session.get(Category, parent) is None:
            raise invalid("unknown_category", "上级分类不存在", "No such parent category")
        if parent in repository.subtree(session, code):
            raise invalid(
                "category_cycle",
                "不能把分类移到它自己或它的下级分类之下",
                "A category cannot move under itself or one of its subcategories",
            )
    if "department_code" in changes:
        _check_default_department(session, changes["department_code"])
    _apply(session, category, changes, "update_category", {"code": category.code}, actor_id, now)
    return category


def _check_default_department(session: Session, code: str | None) -> None:
    if code is None:
        return
    department = repository.department_by_code(session, code)
    if department is None:
        raise invalid("unknown_department", "默认承办单位不存在", "No such department")
    if not department.active:
        raise invalid("inactive_department", "默认承办单位已停用", "The default department is deactivated")
