"""Migrations apply to empty databases and match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import inventory.models  # noqa: F401
from inventory import migrate
from inventory.partitions import include_object


def test_migrations_reach_head_and_match_models(engine) -> None:
    assert migrate.is_current(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": include_object})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_single_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: chain the newest onto the previous head"


def test_counters_hold_64_bit_values(engine) -> None:
    from inventory.db import session_scope
    from inventory.models import CounterSample, Device, Interface, Room

    big = 2**40 + 7
    with session_scope(engine) as s:
        room = Room(code="R", name="机房")
        s.add(room)
        s.flush()
        dev = Device(hostname="D1", platform="huawei_vrp", vendor="Huawei", role="core", room_id=room.id,
                     mgmt_address="10.9.9.1")
        s.add(dev)
        s.flush()
        iface = Interface(device_id=dev.id, name="GigabitEthernet0/0/1")
        s.add(iface)
        s.flush()
        s.add(CounterSample(interface_id=iface.id, in_octets=big, out_octets=big, in_errors=big, out_errors=big))
    with session_scope(engine) as s:
        from sqlmodel import select

        sample = s.exec(select(CounterSample)).one()
        assert (sample.in_octets, sample.out_errors) == (big, big)
