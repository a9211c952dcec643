"""The sample city reproduces the report's facts and the declared design."""

from __future__ import annotations

import ipaddress
from collections import Counter
from decimal import Decimal

from sqlmodel import Session, select

from inventory.models import Carrier, Circuit, Device, Room, Unit
from inventory.sample import build_sample
from inventory.summary import summary

REPORT_ROOMS = ["核心机房", "市民中心节点机房", "云数据平台机房", "燕山大街机房", "河北大街机房", "开滦路机房",
                "开发区机房"]
REPORT_UNITS = ["市委", "市政府", "市人大", "市政协", "市纪委", "市委组织部", "市委宣传部", "市委统战部"]


def test_sample_is_deterministic() -> None:
    assert build_sample(7) == build_sample(7)
    assert build_sample(7) != build_sample(8)


def test_sample_city_counts(sample_engine) -> None:
    with Session(sample_engine) as s:
        sm = summary(s)
        rooms = list(s.exec(select(Room)))
        assert sm.rooms == 7
        assert sorted(r.name for r in rooms) == sorted(REPORT_ROOMS)
        assert [r.name for r in rooms if r.is_core] == ["核心机房"]
        assert sm.units == 97
        assert set(REPORT_UNITS) <= {u.name for u in s.exec(select(Unit))}
        assert sm.terminals >= 10_000
        platforms = sm.devices_by_platform
        assert platforms["huawei_vrp"] > platforms["hp_comware"] > platforms["cisco_ios"] > 0
        carriers = {c.code: c.role for c in s.exec(select(Carrier))}
        assert carriers == {"unicom": "primary", "telecom": "backup"}


def test_every_unit_has_a_unicom_primary_and_one_to_three_devices(sample_engine) -> None:
    with Session(sample_engine) as s:
        unicom = s.exec(select(Carrier).where(Carrier.code == "unicom")).one()
        primaries = Counter(c.a_unit_id for c in s.exec(select(Circuit).where(
            Circuit.carrier_id == unicom.id, Circuit.role == "primary", Circuit.a_unit_id.is_not(None))))
        units = list(s.exec(select(Unit)))
        assert all(primaries[u.id] == 1 for u in units)
        per_unit = Counter(d.unit_id for d in s.exec(select(Device).where(Device.unit_id.is_not(None))))
        assert all(1 <= per_unit[u.id] <= 3 for u in units)
        terminals = Counter()
        for d in s.exec(select(Device).where(Device.unit_id.is_not(None))):
            terminals[d.unit_id] += d.declared_terminals
        assert all(terminals[u.id] == u.declared_terminals for u in units)


def test_attachment_mix_is_realistic() -> None:
    doc = build_sample()
    telecom_units = {c["a"]["unit"] for c in doc["circuits"] if c["carrier"] == "telecom" and "unit" in c["a"]}
    dual_unicom = {c["a"]["unit"] for c in doc["circuits"]
                   if c["carrier"] == "unicom" and c["role"] == "backup" and "unit" in c["a"]}
    assert 10 < len(telecom_units) < 48  # a minority
    assert 0 < len(dual_unicom) < 15
    rooms_of = {}
    for c in doc["circuits"]:
        if "unit" in c["a"] and c["carrier"]:
            rooms_of.setdefault(c["a"]["unit"], set()).add(c["z"]["room"])
    same = [u for u in telecom_units if len(rooms_of[u]) == 1]
    other = [u for u in telecom_units if len(rooms_of[u]) == 2]
    assert same and other  # some backups share the room (a shared risk), some do not


def test_circuit_costs_add_up_to_the_yearly_fees(sample_engine) -> None:
    with Session(sample_engine) as s:
        totals = Counter()
        for c in s.exec(select(Circuit)):
            if c.carrier_id:
                totals[c.carrier_id] += c.cost
        codes = {c.id: c.code for c in s.exec(select(Carrier))}
        by_code = {codes[k]: v for k, v in totals.items()}
        assert by_code == {"unicom": Decimal("148.00"), "telecom": Decimal("8.88")}


def test_management_addresses_follow_the_plan() -> None:
    doc = build_sample()
    addrs = [ipaddress.ip_address(d["mgmt_address"]) for d in doc["devices"]]
    assert len(set(addrs)) == len(addrs)
    plan = [ipaddress.ip_network("10.255.0.0/16"), ipaddress.ip_network("10.254.0.0/16")]
    assert all(any(a in net for net in plan) for a in addrs)
    assert all(d["serial"] and d["model"] and d["os_version"] for d in doc["devices"])
    assert any(d["encoding"] == "gbk" for d in doc["devices"])
    assert any(d["legacy_crypto"] for d in doc["devices"])
