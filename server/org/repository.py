"""Queries for departments and users."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casework.order import OPEN_STATES
from server.models import Category, Department, Order, User, leader_portfolio, order_co_departments


def departments(session: Session) -> Sequence[Department]:
    return session.scalars(select(Department).order_by(Department.id)).all()


def department_by_code(session: Session, code: str) -> Department | None:
    return session.scalar(select(Department).where(Department.code == code))


def users(session: Session, department_id: int | None = None) -> Sequence[User]:
    query = select(User).order_by(User.id)
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    return session.scalars(query).all()


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def categories(session: Session) -> Sequence[Category]:
    return session.scalars(select(Category).order_by(Category.code)).all()


def active_staff(session: Session, department_id: int) -> Sequence[User]:
    return session.scalars(select(User).where(User.department_id == department_id, User.active.is_(True))).all()


def open_orders_of(session: Session, department_id: int) -> int:
    """Open orders the department leads or co-handles."""
    states = [s.value for s in OPEN_STATES]
    co = select(order_co_departments.c.order_id).where(order_co_departments.c.department_id == department_id)
    query = select(func.count(Order.id)).where(
        Order.state.in_(states), or_(Order.lead_department_id == department_id, Order.id.in_(co))
    )
    return session.scalar(query) or 0


def categories_of(session: Session, department_code: str) -> list[str]:
    """Codes of the categories dispatched to the department by default."""
    return list(session.scalars(select(Category.code).where(Category.department_code == department_code)))


def leaders_over(session: Session, department_id: int) -> list[str]:
    """Usernames of the active leaders whose portfolio holds the department."""
    query = (
        select(User.username)
        .join(leader_portfolio, leader_portfolio.c.user_id == User.id)
        .where(leader_portfolio.c.department_id == department_id, User.active.is_(True))
    )
    return list(session.scalars(query))


def subtree(session: Session, code: str) -> set[str]:
    """The category and every category below it."""
    children: dict[str | None, list[str]] = {}
    for child, parent in session.execute(select(Category.code, Category.parent_code)):
        children.setdefault(parent, []).append(child)
    found, todo = set(), [code]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found
