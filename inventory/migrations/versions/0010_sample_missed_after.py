"""interface samples: a poll after the sample went unanswered (the span to the next one is unmeasured);
SNMP link-state intervals: the previous sample's time (the span in which the change happened)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): interface_sample is the largest table, partitioned on PostgreSQL.
    op.add_column('interface_sample', sa.Column('missed_after', sa.Boolean(), nullable=False,
                                                server_default=sa.false()))
    with op.batch_alter_table('link_state_interval') as batch:
        batch.add_column(sa.Column('changed_after', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('link_state_interval') as batch:
        batch.drop_column('changed_after')
    with op.batch_alter_table('interface_sample') as batch:
        batch.drop_column('missed_after')
