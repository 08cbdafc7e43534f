"""Creating departments and users (admin), shared by the API and the command line."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from casework.roles import DEPARTMENT_ROLES, Role
from casework.schemas import CategoryIn, DepartmentIn, UserIn
from server.audit.service import record
from server.auth.passwords import hash_password
from server.auth.service import check_new_password
from server.errors import ApiError, invalid
from server.models import Category, Department, User
from server.org import repository


def create_department(session: Session, body: DepartmentIn, actor_id: int | None, now: datetime) -> Department:
    if repository.department_by_code(session, body.code):
        raise ApiError(409, "duplicate", "该单位代码已存在", "A department with this code exists")
    department = Department(code=body.code, name=body.name, name_en=body.name_en, kind=body.kind)
    session.add(department)
    session.flush()
    record(session, actor_id, "create_department", None, {}, {"department": body.model_dump()}, now)
    return department


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
    if repository.user_by_username(session, body.username):
        raise ApiError(409, "duplicate", "该用户名已存在", "A user with this username exists")
    department = session.get(Department, body.department_id) if body.department_id else None
    if body.department_id is not None and department is None:
        raise invalid("unknown_department", "所属单位不存在", "No such department")
    if body.role in DEPARTMENT_ROLES and (department is None or department.kind != "department"):
        raise invalid("department_required", "部门人员须属于一个承办单位", "Department staff need a department")
    portfolio = [session.get(Department, d) for d in body.portfolio]
    if any(d is None for d in portfolio):
        raise invalid("unknown_department", "分管单位不存在", "No such department in the portfolio")
    if portfolio and body.role is not Role.LEADER_IN_CHARGE:
        raise invalid("portfolio_for_leaders", "只有分管领导有分管单位", "Only a leader in charge has a portfolio")
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
    session.add(user)
    session.flush()
    summary = body.model_dump(exclude={"password"})
    summary["role"] = body.role.value
    record(session, actor_id, "create_user", None, {}, {"user": summary, "id": user.id}, now)
    return user


def create_category(session: Session, body: CategoryIn, actor_id: int | None, now: datetime) -> Category:
    if session.get(Category, body.code) is not None:
        raise ApiError(409, "duplicate", "该分类编码已存在", "A category with this code exists")
    if body.parent_code and session.get(Category, body.parent_code) is None:
        raise invalid("unknown_category", "上级分类不存在", "No such parent category")
    if body.department_code and repository.department_by_code(session, body.department_code) is None:
        raise invalid("unknown_department", "默认承办单位不存在", "No such department")
    category = Category(**body.model_dump())
    session.add(category)
    session.flush()
    record(session, actor_id, "create_category", None, {}, {"category": body.model_dump()}, now)
    return category
