"""Scheduled collection; the subnets each device result reported (distributed run finalisation)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("only", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("lab", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_fired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["last_run_id"], ["collection_run.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("device_result") as batch:
        batch.add_column(sa.Column("subnets", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device_result") as batch:
        batch.drop_column("subnets")
    op.drop_table("schedule")
