"""Armed, read back from configs collected over SSH: the lab's unit routers carry the routes, tracks and VRRP
groups lab/spec.py arms them with (`failover_arming`), netmiko collects them, and each backup circuit's verdict
says what the lab's truth says: armed, partly (an untracked primary, an untracked gateway), or not at all."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from answers import ask
from collectors.engine import Settings
from inventory.collection import run_collection
from inventory.db import session_scope
from inventory.models import Circuit, Device, Interface, Unit
from lab.server import LabThread
from lab.spec import build_lab_spec, failover_arming
from tests.collectors.conftest import fresh_sample

pytestmark = pytest.mark.xdist_group("lab")


def _cases(s) -> dict[str, tuple[str, str, bool]]:
    """backup cid → (unit code, platform of its router, primary on the same router)."""
    host_of = {i.id: (d.hostname, d.platform) for i, d in s.exec(select(Interface, Device)
                                                                .where(Interface.device_id == Device.id)).all()}
    units = {u.id: u.code for u in s.exec(select(Unit)).all()}
    primary_host: dict[int, set[str]] = {}
    rows = s.exec(select(Circuit).where(Circuit.role.in_(["primary", "backup"]))).all()  # type: ignore[attr-defined]
    for c in rows:
        for uid, iid in ((c.a_unit_id, c.a_interface_id), (c.z_unit_id, c.z_interface_id)):
            if uid is not None and iid in host_of and c.role == "primary":
                primary_host.setdefault(uid, set()).add(host_of[iid][0])
    out = {}
    for c in rows:
        for uid, iid in ((c.a_unit_id, c.a_interface_id), (c.z_unit_id, c.z_interface_id)):
            if uid is not None and iid in host_of and c.role == "backup":
                host, platform = host_of[iid]
                out[c.cid] = (units[uid], platform, host in primary_host.get(uid, set()))
    return out


def test_armed_states_read_from_collected_configs_are_the_labs(tmp_path) -> None:
    engine, _ = fresh_sample(tmp_path)
    with session_scope(engine) as s:
        truth = failover_arming(s)
        cases = _cases(s)
    # one backup per (state, platform, one or two routers) the city has
    picked: dict[tuple[str, str, bool], str] = {}
    for cid, (_unit, platform, same) in sorted(cases.items()):
        picked.setdefault((truth[cid], platform, same), cid)
    assert {k[0] for k in picked} == {"armed", "partial", "not_armed"}
    assert {k[2] for k in picked} == {True, False}
    units = sorted({cases[cid][0] for cid in picked.values()})
    with session_scope(engine) as s:
        spec = build_lab_spec(s, only=units)
    lab = LabThread(spec).start()
    try:
        inventory = json.loads(lab.lab.write_files(tmp_path / "lab").read_text(encoding="utf-8"))
        for unit in units:
            report = run_collection(engine, only=unit, lab_inventory=inventory, settings=Settings())
            assert report.ok == report.total > 0, report
    finally:
        lab.stop()
    with session_scope(engine) as s:
        vy = ask(s).backup_verdicts(2022)
    by_cid = {v.cid: v for v in vy.verdicts}
    collected = {cid for cid, (unit, _p, _same) in cases.items() if unit in units}
    for cid in sorted(collected & set(by_cid)):
        a = by_cid[cid].armed
        assert a.state == truth[cid], (cid, a)
        assert a.config_id is not None and a.device, (cid, a)
        assert a.lines or a.state == "not_armed", (cid, a)
        if a.state == "not_armed":
            assert by_cid[cid].verdict in ("unarmed", "dead_end"), cid
    # the backups whose routers were not collected say so, and nothing else
    others = [v for cid, v in by_cid.items() if cid not in collected]
    assert others and all(v.armed.state == "no_config" for v in others)
