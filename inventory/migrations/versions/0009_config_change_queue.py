"""config change events: when a trigger claimed each for a collection

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:02:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('config_change_event') as batch:
        batch.add_column(sa.Column('queued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.create_index('ix_config_change_event_queued_at', ['queued_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('config_change_event') as batch:
        batch.drop_index('ix_config_change_event_queued_at')
        batch.drop_column('queued_at')
