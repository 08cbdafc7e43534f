"""``/departments`` and ``/users``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from casework.roles import Role
from casework.schemas import (
    CategoryCode,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    Id,
    UserIn,
    UserOut,
    UserPatch,
)
from server.deps import DB, Admin, CurrentCaller, Now
from server.errors import UNKNOWN_CATEGORY, UNKNOWN_DEPARTMENT, errors
from server.org import repository, service
from server.org.views import department_out, user_out
from server.transaction import TransactionalRoute

router = APIRouter(tags=["organisation"], route_class=TransactionalRoute)
REFERENCES = {**UNKNOWN_CATEGORY, **UNKNOWN_DEPARTMENT}


@router.get("/departments", response_model=list[DepartmentOut], responses=errors(401))
def list_departments(session: DB, caller: CurrentCaller) -> list[DepartmentOut]:
    return [department_out(d) for d in repository.departments(session)]


@router.post("/departments", response_model=DepartmentOut, status_code=201, responses=errors(401, 403, 409))
def create_department(body: DepartmentIn, session: DB, caller: Admin, now: Now) -> DepartmentOut:
    return department_out(service.create_department(session, body, caller.user.id, now))


@router.patch("/departments/{department_id}", response_model=DepartmentOut, responses=errors(401, 403, 404, 409))
def update_department(
    department_id: Annotated[Id, Path()], body: DepartmentPatch, session: DB, caller: Admin, now: Now
) -> DepartmentOut:
    """Edit a department; ``active: false`` deactivates it only when nothing open points at it (409 says what)."""
    return department_out(service.update_department(session, department_id, body, caller.user.id, now))


@router.get("/users", response_model=list[UserOut], responses=errors(401))
def list_users(session: DB, caller: CurrentCaller) -> list[UserOut]:
    """Admins and the centre see everyone; others see the people of their own department."""
    if caller.actor.role is Role.ADMIN or caller.actor.is_centre:
        users = repository.users(session)
    elif caller.actor.department_id is not None:
        users = repository.users(session, caller.actor.department_id)
    else:
        users = [caller.user]
    return [user_out(u) for u in users]


@router.post(
    "/users", response_model=UserOut, status_code=201, responses=errors(401, 403, 409, refusals=UNKNOWN_DEPARTMENT)
)
def create_user(body: UserIn, session: DB, caller: Admin, now: Now) -> UserOut:
    """The password follows the policy (422 naming the rule); the user must change it at first sign-in."""
    return user_out(service.create_user(session, body, caller.user.id, now, must_change_password=True))


@router.patch(
    "/users/{user_id}", response_model=UserOut, responses=errors(401, 403, 404, 409, refusals=UNKNOWN_DEPARTMENT)
)
def update_user(user_id: Annotated[Id, Path()], body: UserPatch, session: DB, caller: Admin, now: Now) -> UserOut:
    """Edit a user (name, role, department, portfolio, 签收 right) or (de)activate them."""
    return user_out(service.update_user(session, user_id, body, caller.user.id, now))


@router.get("/categories", response_model=list[CategoryOut], responses=errors(401))
def list_categories(session: DB, caller: CurrentCaller) -> list[CategoryOut]:
    return [CategoryOut.model_validate(c, from_attributes=True) for c in repository.categories(session)]


@router.post(
    "/categories", response_model=CategoryOut, status_code=201, responses=errors(401, 403, 409, refusals=REFERENCES)
)
def create_category(body: CategoryIn, session: DB, caller: Admin, now: Now) -> CategoryOut:
    return CategoryOut.model_validate(service.create_category(session, body, caller.user.id, now), from_attributes=True)


@router.patch("/categories/{code}", response_model=CategoryOut, responses=errors(401, 403, 404, refusals=REFERENCES))
def update_category(
    code: Annotated[CategoryCode, Path()], body: CategoryPatch, session: DB, caller: Admin, now: Now
) -> CategoryOut:
    """Rename a category, move it in the tree or change its default department."""
    return CategoryOut.model_validate(
        service.update_category(session, code, body, caller.user.id, now), from_attributes=True
    )
