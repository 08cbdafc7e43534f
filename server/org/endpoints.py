"""``/departments`` and ``/users``."""

from __future__ import annotations

from fastapi import APIRouter

from casework.roles import Role
from casework.schemas import CategoryIn, CategoryOut, DepartmentIn, DepartmentOut, UserIn, UserOut
from server.deps import DB, Admin, CurrentCaller, Now
from server.errors import errors
from server.org import repository, service
from server.org.views import department_out, user_out
from server.transaction import TransactionalRoute

router = APIRouter(tags=["organisation"], route_class=TransactionalRoute)


@router.get("/departments", response_model=list[DepartmentOut], responses=errors(401))
def list_departments(session: DB, caller: CurrentCaller) -> list[DepartmentOut]:
    return [department_out(d) for d in repository.departments(session)]


@router.post("/departments", response_model=DepartmentOut, status_code=201, responses=errors(401, 403, 409))
def create_department(body: DepartmentIn, session: DB, caller: Admin, now: Now) -> DepartmentOut:
    return department_out(service.create_department(session, body, caller.user.id, now))


@router.get("/users", response_model=list[UserOut], responses=errors(401))
def list_users(session: DB, caller: CurrentCaller) -> list[UserOut]:
    """Admins and the centre see everyone; others see the people of their own department."""
    if caller.actor.role in (Role.ADMIN, Role.CENTRE_AGENT):
        users = repository.users(session)
    elif caller.actor.department_id is not None:
        users = repository.users(session, caller.actor.department_id)
    else:
        users = [caller.user]
    return [user_out(u) for u in users]


@router.post("/users", response_model=UserOut, status_code=201, responses=errors(401, 403, 409, 422))
def create_user(body: UserIn, session: DB, caller: Admin, now: Now) -> UserOut:
    """The password follows the policy (422 naming the rule); the user must change it at first sign-in."""
    return user_out(service.create_user(session, body, caller.user.id, now, must_change_password=True))


@router.get("/categories", response_model=list[CategoryOut], responses=errors(401))
def list_categories(session: DB, caller: CurrentCaller) -> list[CategoryOut]:
    return [CategoryOut.model_validate(c, from_attributes=True) for c in repository.categories(session)]


@router.post("/categories", response_model=CategoryOut, status_code=201, responses=errors(401, 403, 409, 422))
def create_category(body: CategoryIn, session: DB, caller: Admin, now: Now) -> CategoryOut:
    return CategoryOut.model_validate(service.create_category(session, body, caller.user.id, now), from_attributes=True)
