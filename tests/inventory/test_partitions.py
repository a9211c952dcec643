"""interface_sample is partitioned by month on PostgreSQL: rows land whatever month exists, a new month
takes its rows out of the default partition, retention drops whole months. On SQLite the calls are no-ops."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlmodel import func, select

from inventory.db import session_scope
from inventory.models import Device, Interface, InterfaceSample, Room
from inventory.partitions import drop_months_before, ensure_months, is_partition

UTC = dt.UTC


def _iface(engine) -> int:
    with session_scope(engine) as s:
        room = Room(code="R1", name="机房")
        s.add(room)
        s.flush()
        dev = Device(hostname="PART-1", platform="huawei_vrp", vendor="Huawei", role="core", room_id=room.id,
                     mgmt_address="10.9.0.1")
        s.add(dev)
        s.flush()
        iface = Interface(device_id=dev.id, name="GigabitEthernet0/0/1")
        s.add(iface)
        s.flush()
        return iface.id


def _add(engine, iid: int, *days: dt.datetime) -> None:
    with session_scope(engine) as s:
        for t in days:
            s.add(InterfaceSample(interface_id=iid, sampled_at=t, in_octets=2**63 - 1, out_octets=1))


def _count(engine) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(InterfaceSample)).one()


def test_months_partitions_and_retention(engine) -> None:
    iid = _iface(engine)
    jan, feb, mar = (dt.datetime(2022, m, 10, tzinfo=UTC) for m in (1, 2, 3))
    _add(engine, iid, jan, feb)  # before any month exists: the default partition takes them
    made = ensure_months(engine, jan, mar)
    _add(engine, iid, mar, mar + dt.timedelta(hours=1))
    assert _count(engine) == 4
    dropped = drop_months_before(engine, dt.datetime(2022, 2, 1, tzinfo=UTC))
    if engine.dialect.name == "postgresql":
        assert made == ["interface_sample_p202201", "interface_sample_p202202", "interface_sample_p202203"]
        assert dropped == ["interface_sample_p202201"]
        assert _count(engine) == 3
        with engine.connect() as conn:
            in_default = conn.execute(text("SELECT count(*) FROM interface_sample_default")).scalar()
            in_march = conn.execute(text("SELECT count(*) FROM interface_sample_p202203")).scalar()
        assert (in_default, in_march) == (0, 2)
        assert ensure_months(engine, jan, mar) == ["interface_sample_p202201"]  # only the dropped one again
    else:
        assert made == dropped == []
        assert _count(engine) == 4


def test_partition_names() -> None:
    assert is_partition("interface_sample_p202201") and is_partition("interface_sample_default")
    assert not is_partition("interface_sample") and not is_partition("syslog_message_p202201")
