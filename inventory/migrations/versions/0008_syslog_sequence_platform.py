"""syslog_message.platform and .sequence; link_state_interval (source, ended_at) index

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('syslog_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('link_state_interval', schema=None) as batch_op:
        batch_op.create_index('ix_link_state_interval_source_end', ['source', 'ended_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_state_interval', schema=None) as batch_op:
        batch_op.drop_index('ix_link_state_interval_source_end')
    with op.batch_alter_table('syslog_message', schema=None) as batch_op:
        batch_op.drop_column('sequence')
        batch_op.drop_column('platform')
