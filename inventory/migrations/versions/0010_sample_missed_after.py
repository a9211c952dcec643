"""interface samples: a poll after the sample went unanswered (the span to the next one is unmeasured);
SNMP link-state intervals: the previous sample's time (the span in which the change happened); planned
maintenance windows

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
    op.create_table(
        'planned_maintenance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('circuit_id', sa.Integer(), nullable=True),
        sa.Column('carrier_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(['carrier_id'], ['carrier.id']),
        sa.ForeignKeyConstraint(['circuit_id'], ['circuit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_planned_maintenance_circuit_id', 'planned_maintenance', ['circuit_id'])
    op.create_index('ix_planned_maintenance_carrier_id', 'planned_maintenance', ['carrier_id'])
    op.create_index('ix_planned_maintenance_starts_at', 'planned_maintenance', ['starts_at'])
    with op.batch_alter_table('link_state_interval') as batch:
        batch.add_column(sa.Column('changed_after', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_table('planned_maintenance')
    with op.batch_alter_table('link_state_interval') as batch:
        batch.drop_column('changed_after')
    with op.batch_alter_table('interface_sample') as batch:
        batch.drop_column('missed_after')
