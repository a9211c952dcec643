"""Probe results stored at ingest (inventory/probes.py) on SQLite and PostgreSQL: one row per result, a repeat
read of the same result is not a new row, the circuit found by the far end's address or by the uplink's subnet
(a carrier PE outside the inventory), and the collection's time standing in when the device printed none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import select

from collectors.engine import DeviceOutcome, RawOutput
from inventory.collection import ingest
from inventory.db import session_scope
from inventory.models import Circuit, CollectionRun, Device, Interface, ProbeResult

FIXTURES = Path(__file__).parents[1] / "collectors" / "fixtures" / "huawei_vrp" / "display_nqa_results"


def _city(engine) -> int:
    """A unit router with a Unicom uplink whose far end is in the inventory and a Telecom one whose PE is not."""
    with session_scope(engine) as s:
        r = Device(hostname="hz-u031-ar1", platform="huawei_vrp", vendor="huawei", role="access",
                   mgmt_address="10.255.31.1")
        agg = Device(hostname="hz-agg1", platform="huawei_vrp", vendor="huawei", role="aggregation",
                     mgmt_address="10.255.0.31")
        s.add_all([r, agg])
        s.flush()
        cu = Interface(device_id=r.id, name="GigabitEthernet0/0/1", ip_address="10.231.31.2", prefix_length=30)
        ct = Interface(device_id=r.id, name="GigabitEthernet0/0/2", ip_address="10.232.31.2", prefix_length=30)
        far = Interface(device_id=agg.id, name="XGigabitEthernet0/0/9", ip_address="10.231.31.1", prefix_length=30)
        s.add_all([cu, ct, far])
        s.flush()
        s.add_all([Circuit(cid="CU-HZ-031", role="primary", a_interface_id=far.id, z_interface_id=cu.id),
                   Circuit(cid="CT-HZ-031", role="backup", a_external="telecom PE", z_interface_id=ct.id)])
        return r.id


def _ingest(engine, device_id: int, text: str) -> None:
    with session_scope(engine) as s:
        run = CollectionRun(trigger="test", requested_by="test", total=1)
        s.add(run)
        s.flush()
        outcome = DeviceOutcome("hz-u031-ar1", "huawei_vrp", True,
                                {"probes": RawOutput("display nqa results", text)})
        result = ingest(s, run.id, s.get(Device, device_id), outcome)
        assert result.status == "ok", result.warnings


def _rows(engine) -> list[tuple]:
    with session_scope(engine) as s:
        cids = {c.id: c.cid for c in s.exec(select(Circuit)).all()}
        return [(r.test, r.target, cids.get(r.circuit_id), r.ok, r.sent, r.received, r.rtt_avg_ms, r.source)
                for r in s.exec(select(ProbeResult).order_by(ProbeResult.test, ProbeResult.id)).all()]


def test_results_stored_once_with_their_circuits(engine) -> None:
    dev = _city(engine)
    text = (FIXTURES / "vrp5-two-uplinks.raw").read_text(encoding="utf-8")
    _ingest(engine, dev, text)
    _ingest(engine, dev, text)  # the same results read again
    assert _rows(engine) == [
        ("wan ct-nexthop", "10.232.31.1", "CT-HZ-031", True, 5, 3, 19.0, "ssh"),  # PE outside: by subnet
        ("wan cu-nexthop", "10.231.31.1", "CU-HZ-031", True, 5, 5, 3.0, "ssh"),  # by the far end's address
    ]
    with session_scope(engine) as s:
        at = s.exec(select(ProbeResult.measured_at).where(ProbeResult.test == "wan cu-nexthop")).one()
        assert at.replace(tzinfo=at.tzinfo or dt.UTC) == dt.datetime(2026, 11, 30, 2, 15, 42, 300000, tzinfo=dt.UTC)


def test_an_all_lost_result_is_stamped_with_the_collection_time(engine) -> None:
    dev = _city(engine)
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    text = (FIXTURES / "vrp5-all-lost.raw").read_text(encoding="utf-8").replace("10.232.117.1", "10.232.31.1")
    _ingest(engine, dev, text)
    assert _rows(engine) == [("wan ct-nexthop", "10.232.31.1", "CT-HZ-031", False, 3, 0, None, "ssh")]
    with session_scope(engine) as s:
        at = s.exec(select(ProbeResult.measured_at)).one()
        assert at.replace(tzinfo=at.tzinfo or dt.UTC) >= before
