"""co-handling (协办): each co-department's own part of an order — signing, deadlines, opinion, waiver

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 16:30:00

Existing co-department pairs get a part: pending for orders still before the lead's reply
(dispatched, return requested, in progress) — their reply now waits for the co-department's
opinion, as the rule says; waived (reason: recorded before co-handling parts) for the rest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db

revision = "0011"
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_co_handling",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", server.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("add_reason", sa.Text(), nullable=False),
        sa.Column("sign_due", server.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("answer_due", server.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("signed_at", server.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("answered_at", server.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("waive_reason", sa.Text(), nullable=False),
        sa.Column("waived_at", server.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("waived_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_co_handling_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_order_co_handling_department_id_departments")
        ),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_order_co_handling_added_by_id_users")),
        sa.ForeignKeyConstraint(["signed_by_id"], ["users.id"], name=op.f("fk_order_co_handling_signed_by_id_users")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_order_co_handling_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(["waived_by_id"], ["users.id"], name=op.f("fk_order_co_handling_waived_by_id_users")),
        sa.PrimaryKeyConstraint("order_id", "department_id", name=op.f("pk_order_co_handling")),
    )
    with op.batch_alter_table("order_co_handling", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_co_handling_department_id"), ["department_id"], unique=False)
    op.execute(
        "INSERT INTO order_co_handling (order_id, department_id, status, started_at, add_reason, opinion,"
        " waive_reason, waived_at) "
        "SELECT c.order_id, c.department_id,"
        " CASE WHEN o.state IN ('dispatched', 'return_requested', 'in_progress') THEN 'pending' ELSE 'waived' END,"
        " COALESCE(o.dispatched_at, o.received_at), '', '',"
        " CASE WHEN o.state IN ('dispatched', 'return_requested', 'in_progress') THEN ''"
        " ELSE '协办记录启用前的工单' END,"
        " CASE WHEN o.state IN ('dispatched', 'return_requested', 'in_progress') THEN NULL"
        " ELSE COALESCE(o.dispatched_at, o.received_at) END "
        "FROM order_co_departments c JOIN orders o ON o.id = c.order_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("order_co_handling", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_co_handling_department_id"))
    op.drop_table("order_co_handling")
