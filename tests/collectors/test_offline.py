"""Offline import of a folder of saved outputs gives the same parsed facts as live collection."""

from __future__ import annotations

import pytest
from sqlmodel import select

from inventory.db import session_scope
from inventory.errors import ExtranetError
from inventory.models import ConfigSnapshot, CounterSample, Device, Interface, Link, LinkEvent, TerminalCount
from inventory.offline import export_outputs, import_folder

from .conftest import fresh_sample

pytestmark = pytest.mark.xdist_group("city")


def _facts(engine, run_id: int) -> dict[str, object]:
    with session_scope(engine) as s:
        host = {d.id: d.hostname for d in s.exec(select(Device)).all()}
        iface = {i.id: (host[i.device_id], i.name) for i in s.exec(select(Interface)).all()}
        return {
            "snapshots": sorted((host[x.device_id], x.sha256) for x in s.exec(select(ConfigSnapshot).where(
                ConfigSnapshot.run_id == run_id))),
            "terminals": sorted((host[t.device_id], t.mac_count, t.arp_count) for t in s.exec(
                select(TerminalCount).where(TerminalCount.run_id == run_id))),
            "counters": sorted((iface[c.interface_id], c.in_octets, c.out_octets, c.in_errors) for c in s.exec(
                select(CounterSample).where(CounterSample.run_id == run_id))),
            "events": sorted((host[e.device_id], e.interface_name, e.occurred_at.isoformat()[:19], e.state)
                             for e in s.exec(select(LinkEvent))),
            "links": sorted((iface[lk.a_interface_id], iface[lk.z_interface_id], lk.source)
                            for lk in s.exec(select(Link).where(Link.source != "declared"))),
        }


def test_offline_import_equals_live(city, tmp_path) -> None:
    folder = tmp_path / "saved"
    with session_scope(city.engine) as s:
        assert export_outputs(s, city.report.run_id, folder) > 224 * 6
    engine, _url = fresh_sample(tmp_path)
    report = import_folder(engine, folder)
    assert report.ok == report.total == 224
    live, offline = _facts(city.engine, city.report.run_id), _facts(engine, report.run_id)
    for key in live:
        assert live[key] == offline[key], key
    engine.dispose()


def test_flat_config_files_and_unknown_files(city, tmp_path) -> None:
    with session_scope(city.engine) as s:
        dev = s.exec(select(Device).where(Device.hostname == "QHD-CORE-SW1")).one()
        snap = s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)).first()
        text = snap.text
    flat = tmp_path / "oxidized"
    flat.mkdir()
    (flat / "QHD-CORE-SW1").write_text(text, encoding="utf-8")
    engine, _url = fresh_sample(tmp_path)
    report = import_folder(engine, flat)
    assert report.ok == 1
    (flat / "NOT-A-DEVICE.cfg").write_text("x", encoding="utf-8")
    report = import_folder(engine, flat)  # an unknown file is skipped with a warning naming it, never an abort
    assert report.ok == report.total == 1
    assert [s for s in report.skipped if "NOT-A-DEVICE.cfg" in s] == [s for s in report.skipped]
    with pytest.raises(ExtranetError, match="not a folder"):
        import_folder(engine, flat / "QHD-CORE-SW1")
    engine.dispose()
