"""Probe results collected from the lab over SSH (netmiko against the in-process lab) and stored: every unit
router's probe toward each carrier uplink's next hop comes back ok while its link is up, linked to that uplink's
circuit; after the lab flips an uplink down, the next collection stores a failed result for it."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from collectors.engine import Settings
from inventory.collection import run_collection
from inventory.db import session_scope
from inventory.models import Circuit, Device, Interface, ProbeResult
from lab.server import LabThread
from lab.spec import build_lab_spec
from tests.collectors.conftest import fresh_sample

pytestmark = pytest.mark.xdist_group("lab")


def _circuit_of(s, hostname: str, interface: str) -> str:
    """The circuit ending on that device interface, found from the inventory alone."""
    dev = s.exec(select(Device).where(Device.hostname == hostname)).one()
    iface = s.exec(select(Interface).where(Interface.device_id == dev.id, Interface.name == interface)).one()
    c = s.exec(select(Circuit).where((Circuit.a_interface_id == iface.id) | (Circuit.z_interface_id == iface.id))
               ).one()
    return c.cid


def _latest(s, hostname: str) -> dict[str, ProbeResult]:
    dev = s.exec(select(Device).where(Device.hostname == hostname)).one()
    out: dict[str, ProbeResult] = {}
    for r in s.exec(select(ProbeResult).where(ProbeResult.device_id == dev.id).order_by(ProbeResult.id)).all():
        out[r.test] = r
    return out


def test_probes_over_ssh_ok_then_failing_when_an_uplink_goes_down(tmp_path) -> None:
    engine, _ = fresh_sample(tmp_path)
    with session_scope(engine) as s:
        whole = build_lab_spec(s)
    # one unit per platform whose router probes two uplinks (or two routers one each)
    units: dict[str, str] = {}
    for d in whole.devices:
        if d.unit and d.platform not in units and len({p.name for p in d.probes}) == 2:
            units[d.platform] = d.unit
    units.setdefault("cisco_ios", next(d.unit for d in whole.devices if d.platform == "cisco_ios" and d.probes))
    with session_scope(engine) as s:
        spec = build_lab_spec(s, only=sorted(units.values()))
    routers = [d for d in spec.devices if d.probes]
    assert {d.platform for d in routers} == {"huawei_vrp", "hp_comware", "cisco_ios"}
    lab = LabThread(spec).start()
    try:
        inventory = json.loads(lab.lab.write_files(tmp_path / "lab").read_text(encoding="utf-8"))
        for unit in sorted(units.values()):
            report = run_collection(engine, only=unit, lab_inventory=inventory, settings=Settings())
            assert report.ok == report.total > 0, report
        with session_scope(engine) as s:
            for d in routers:
                got = _latest(s, d.hostname)
                assert len(got) == len(d.probes), (d.hostname, sorted(got))
                for r in got.values():
                    probe = next(p for p in d.probes if p.target == r.target)
                    assert r.ok and r.received == r.sent and r.source == "ssh", (d.hostname, r)
                    assert s.get(Circuit, r.circuit_id).cid == _circuit_of(s, d.hostname, probe.interface)
        # the lab's carrier drops one uplink: the probe over it fails, the others still answer
        down_dev = next(d for d in routers if d.platform == "cisco_ios")  # its result time is always printed
        down = down_dev.probes[-1]
        lab.call(lab.lab.flip_link, down_dev.hostname, down.interface, "down")
        report = run_collection(engine, only=down_dev.unit, lab_inventory=inventory, settings=Settings())
        assert report.ok == report.total
        with session_scope(engine) as s:
            got = {r.target: r for r in _latest(s, down_dev.hostname).values()}
            failed = got[down.target]
            assert (failed.ok, failed.received, failed.rtt_avg_ms) == (False, 0, None)
            assert s.get(Circuit, failed.circuit_id).cid == _circuit_of(s, down_dev.hostname, down.interface)
            assert all(r.ok for t, r in got.items() if t != down.target)
    finally:
        lab.stop()
        engine.dispose()
