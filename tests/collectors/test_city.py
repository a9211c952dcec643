"""Whole-city collection with real netmiko sessions against the SSH lab, checked against the inventory
(never against the parser's own output)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlmodel import select

from collectors.parse import parse_outputs
from collectors.platforms import load_profile
from inventory.db import session_scope
from inventory.models import (
    Circuit,
    CommandOutput,
    ConfigSnapshot,
    Device,
    DeviceResult,
    Incident,
    Interface,
    Link,
    LinkEvent,
    TerminalCount,
)
from lab.spec import access_port_name

pytestmark = pytest.mark.xdist_group("city")


def _facts(s, run_id: int, device: Device):
    prof = load_profile(device.platform)
    by_cmd = {c.command: c.key for c in prof.commands}
    outs = {by_cmd[o.command]: o.output for o in s.exec(select(CommandOutput).where(
        CommandOutput.run_id == run_id, CommandOutput.device_id == device.id)).all()}
    return parse_outputs(device.platform, outs)


def test_every_device_ok(city) -> None:
    with session_scope(city.engine) as s:
        devices = s.exec(select(Device)).all()
        results = s.exec(select(DeviceResult).where(DeviceResult.run_id == city.report.run_id)).all()
        assert len(results) == len(devices) == city.report.total == 224
        bad = [(r.device_id, r.error_code, r.error_message) for r in results if r.status != "ok"]
        assert bad == []
        assert city.report.ok == 224
        # one snapshot per device, each ending with the platform's terminator
        snaps = s.exec(select(ConfigSnapshot)).all()
        assert len({x.device_id for x in snaps}) == 224
        for snap in snaps:
            assert snap.text.rstrip().splitlines()[-1] in ("return", "end")


def test_parsed_facts_equal_the_inventory(city) -> None:
    with session_scope(city.engine) as s:
        devices = {d.id: d for d in s.exec(select(Device)).all()}
        ifaces = defaultdict(set)
        for i in s.exec(select(Interface)).all():
            ifaces[i.device_id].add(i.name)
        expected_nb = defaultdict(set)
        for c in s.exec(select(Circuit)).all():
            if c.a_interface_id and c.z_interface_id:
                a, z = s.get(Interface, c.a_interface_id), s.get(Interface, c.z_interface_id)
                expected_nb[a.device_id].add((a.name, devices[z.device_id].hostname, z.name))
                expected_nb[z.device_id].add((z.name, devices[a.device_id].hostname, a.name))
        for dev in devices.values():
            f = _facts(s, city.report.run_id, dev)
            assert (f.serial, f.model, f.os_version) == (dev.serial, dev.model, dev.os_version), dev.hostname
            parsed = {i.name for i in f.interfaces}
            extra = {access_port_name(dev.platform)} if dev.declared_terminals and not any(
                "局域网" in i.description for i in s.exec(select(Interface).where(Interface.device_id == dev.id))) \
                else set()
            assert parsed == ifaces[dev.id] | extra, dev.hostname
            assert {(n.local_interface, n.neighbor, n.neighbor_interface) for n in f.neighbors} == expected_nb[dev.id]
            assert f.mac_count == dev.declared_terminals and f.arp_count == dev.declared_terminals, dev.hostname


def test_terminal_counts_and_links_saved(city) -> None:
    with session_scope(city.engine) as s:
        counts = s.exec(select(TerminalCount).where(TerminalCount.run_id == city.report.run_id)).all()
        by_dev = {c.device_id: c.mac_count for c in counts}
        for dev in s.exec(select(Device)).all():
            assert by_dev[dev.id] == dev.declared_terminals
        declared = {(min(c.a_interface_id, c.z_interface_id), max(c.a_interface_id, c.z_interface_id))
                    for c in s.exec(select(Circuit)).all() if c.a_interface_id and c.z_interface_id}
        lldp = {(lk.a_interface_id, lk.z_interface_id) for lk in s.exec(select(Link).where(Link.source == "lldp"))}
        subnet = {(lk.a_interface_id, lk.z_interface_id) for lk in s.exec(select(Link).where(Link.source == "subnet"))}
        assert lldp == declared
        assert subnet == declared


def test_incident_link_events_at_both_ends(city) -> None:
    with session_scope(city.engine) as s:
        events = {(e.interface_id, e.occurred_at.replace(tzinfo=None), e.state)
                  for e in s.exec(select(LinkEvent)).all()}
        incidents = s.exec(select(Incident)).all()
        assert incidents
        for inc in incidents:
            c = s.get(Circuit, inc.circuit_id)
            for iid in (c.a_interface_id, c.z_interface_id):
                if iid is None:
                    continue
                start = inc.started_at.astimezone(__import__("datetime").timezone.utc).replace(tzinfo=None)
                end = inc.ended_at.astimezone(__import__("datetime").timezone.utc).replace(tzinfo=None)
                assert (iid, start, "down") in events, (c.cid, iid)
                assert (iid, end, "up") in events, (c.cid, iid)


def test_gbk_chinese_arrives_intact(city) -> None:
    with session_scope(city.engine) as s:
        gbk = [d for d in s.exec(select(Device).where(Device.encoding == "gbk")).all()]
        assert gbk
        checked = 0
        for dev in gbk:
            lan = s.exec(select(Interface).where(Interface.device_id == dev.id, Interface.name.like("%/0/1"))).all()
            chinese = [i.description for i in s.exec(select(Interface).where(Interface.device_id == dev.id)).all()
                       if any("\u4e00" <= ch <= "\u9fff" for ch in i.description)]
            snap = s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)).first()
            assert "网管网段" in snap.text  # the ACL description every config carries
            for desc in chinese:
                assert f"description {desc}" in snap.text
                checked += 1
            assert lan is not None
        assert checked > 0


def test_legacy_crypto_devices_connected(city) -> None:
    with session_scope(city.engine) as s:
        legacy = s.exec(select(Device).where(Device.legacy_crypto == True)).all()  # noqa: E712
        assert len(legacy) > 10
        ok = {r.device_id for r in s.exec(select(DeviceResult).where(
            DeviceResult.run_id == city.report.run_id, DeviceResult.status == "ok")).all()}
        assert all(d.id in ok for d in legacy)


def test_legacy_lab_refuses_modern_only_clients(city) -> None:
    """The legacy devices really offer only SHA-1 key exchange: a client that disables it cannot connect."""
    import socket

    import paramiko

    ep = next(d for d in city.inventory["devices"] if d["legacy_crypto"])
    sock = socket.create_connection((ep["host"], ep["port"]), timeout=5)
    t = paramiko.Transport(sock, disabled_algorithms={"kex": ["diffie-hellman-group14-sha1",
                                                              "diffie-hellman-group1-sha1",
                                                              "diffie-hellman-group-exchange-sha1"]})
    with pytest.raises(paramiko.SSHException):
        t.start_client(timeout=5)
    t.close()
