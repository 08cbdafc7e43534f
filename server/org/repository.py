"""Queries for departments and users."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Category, Department, User


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
