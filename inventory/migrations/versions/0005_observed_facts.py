"""observed interfaces, addresses, partial results, rejected captures, routing facts, link evidence

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('interface_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interface_id', sa.Integer(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix_length', sa.Integer(), nullable=False),
    sa.Column('family', sa.Integer(), nullable=False),
    sa.Column('secondary', sa.Boolean(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('last_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['interface_id'], ['interface.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('interface_id', 'address')
    )
    with op.batch_alter_table('interface_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interface_address_interface_id'), ['interface_id'], unique=False)

    op.create_table('rejected_capture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('command_output_id', sa.Integer(), nullable=True),
    sa.Column('command', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('rejected_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['command_output_id'], ['command_output.id'], ),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['collection_run.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rejected_capture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rejected_capture_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rejected_capture_run_id'), ['run_id'], unique=False)

    op.create_table('routing_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('vrf', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('next_hop', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('interface', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('peer', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('local_as', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('remote_as', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('area', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('process', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], ),
    sa.ForeignKeyConstraint(['snapshot_id'], ['config_snapshot.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('routing_fact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_fact_device_id'), ['device_id'], unique=False)

    with op.batch_alter_table('device_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings', sa.JSON(), nullable=True))

    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chassis_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))

    with op.batch_alter_table('interface', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vrf', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        # rows that exist were all written by the document import
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='declared'))

    with op.batch_alter_table('link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.JSON(), nullable=True))

    with op.batch_alter_table('counter_sample', schema=None) as batch_op:
        # rows that exist were never checked against their predecessor
        batch_op.add_column(sa.Column('reset', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('counter_sample', schema=None) as batch_op:
        batch_op.drop_column('reset')

    with op.batch_alter_table('link', schema=None) as batch_op:
        batch_op.drop_column('evidence')

    with op.batch_alter_table('interface', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('vrf')

    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('chassis_id')

    with op.batch_alter_table('device_result', schema=None) as batch_op:
        batch_op.drop_column('warnings')

    with op.batch_alter_table('routing_fact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_fact_device_id'))

    op.drop_table('routing_fact')
    with op.batch_alter_table('rejected_capture', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejected_capture_run_id'))
        batch_op.drop_index(batch_op.f('ix_rejected_capture_device_id'))

    op.drop_table('rejected_capture')
    with op.batch_alter_table('interface_address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interface_address_interface_id'))

    op.drop_table('interface_address')
