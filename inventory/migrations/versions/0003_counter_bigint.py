"""64-bit interface counters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("in_octets", "out_octets", "in_errors", "out_errors")


def upgrade() -> None:
    with op.batch_alter_table("counter_sample") as batch:
        for name in COLUMNS:
            batch.alter_column(name, existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("counter_sample") as batch:
        for name in COLUMNS:
            batch.alter_column(name, existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
