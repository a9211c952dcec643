"""The province document (no database): names, addresses and zones unique across cities, the long-haul
uplinks and ducts as in topology.synth.province_graph, and errors that name the row."""

from __future__ import annotations

import ipaddress
from collections import Counter

import pytest

from inventory.errors import ExtranetError
from inventory.io import ImportFailed
from inventory.province import MAX_CITIES, province_document, validate_mapping
from inventory.sample import build_sample

CITIES = 4


@pytest.fixture(scope="module")
def doc() -> dict:
    return province_document(CITIES, seed=1000)


def _dupes(values) -> list:
    return [v for v, n in Counter(values).items() if n > 1]


def test_every_natural_key_and_name_is_unique_across_cities(doc) -> None:
    for section, keys in {"rooms": ("code", "name"), "units": ("code", "name"), "devices": ("hostname",),
                          "circuits": ("cid",), "contracts": ("code",), "payments": ("voucher",)}.items():
        for key in keys:
            assert not _dupes(r[key] for r in doc[section]), (section, key)
    assert not _dupes((b["year"], b["line"]) for b in doc["budget_lines"])
    cities = [build_sample(1000 + i) for i in range(CITIES)]
    assert len(doc["units"]) == sum(len(c["units"]) for c in cities)
    assert len(doc["devices"]) == sum(len(c["devices"]) for c in cities) + 2  # + the provincial core pair
    assert len(doc["circuits"]) == sum(len(c["circuits"]) for c in cities) + 1  # + the DCI between them
    validate_mapping(doc, "province")  # the importer's own schemas and duplicate checks


def test_addresses_do_not_overlap_and_spread_onto_unique_loopbacks(doc) -> None:
    mgmt = [d["mgmt_address"] for d in doc["devices"]]
    assert not _dupes(mgmt)
    # The lab's --spread binding keeps octets 2-4: those must be unique too.
    assert not _dupes(m.split(".", 1)[1] for m in mgmt)
    ips = [ipaddress.ip_interface(i["ip"]) for d in doc["devices"] for i in d["interfaces"] if i.get("ip")]
    assert not _dupes(i.ip for i in ips)
    # Point-to-point subnets are shared by exactly their two ends, never by another city's link.
    subnets = Counter(i.network for i in ips if i.network.prefixlen == 30)
    assert set(subnets.values()) <= {1, 2}
    lans = [i.network for i in ips if i.network.prefixlen == 24]
    assert not _dupes(lans)


def test_each_city_is_its_own_zone_and_namespace(doc) -> None:
    zones = Counter(d["zone"] for d in doc["devices"])
    assert set(zones) == {f"city-{k:02d}" for k in range(1, CITIES + 1)} | {"province"}
    assert zones["province"] == 2
    for d in doc["devices"]:
        if d["zone"] != "province":
            assert d["hostname"].startswith(f"C{d['zone'][-2:]}-")
            assert (d.get("room") or d.get("unit")).startswith(f"C{d['zone'][-2:]}-")
    assert [r["code"] for r in doc["rooms"] if r["is_core"]] == ["PROV-DC1", "PROV-DC2"]
    names = ("石家庄", "唐山", "秦皇岛", "邯郸")
    for u in doc["units"]:
        assert u["name"].startswith(names[int(u["code"][1:3]) - 1]), u


def test_uplinks_become_long_hauls_to_the_provincial_core(doc) -> None:
    uplinks = [c for c in doc["circuits"] if c["role"] == "uplink"]
    assert len(uplinks) == 2 * CITIES
    assert not any("external" in c["a"] or "external" in c["z"] for c in doc["circuits"])
    for c in uplinks:
        core = c["z"]["device"]
        assert core == {"unicom": "PROV-CORE1", "telecom": "PROV-CORE2"}[c["carrier"]]
        k = int(c["cid"][1:3])
        assert c.get("srlg") == (f"longhaul:group{(k - 1) // 3 + 1}" if c["carrier"] == "unicom" else None)
    ports = {i["name"] for d in doc["devices"] if d["hostname"] == "PROV-CORE1" for i in d["interfaces"]}
    assert {c["z"]["interface"] for c in uplinks if c["carrier"] == "unicom"} <= ports


def test_bad_sizes_and_bad_rows_are_named(doc) -> None:
    with pytest.raises(ExtranetError, match=f"cities: expected 1 to {MAX_CITIES}, got 0"):
        province_document(0)
    bad = {**doc, "devices": [dict(d) for d in doc["devices"]]}
    bad["devices"][5]["mgmt_address"] = "10.999.0.1"
    bad["devices"][6]["hostname"] = bad["devices"][7]["hostname"]
    with pytest.raises(ImportFailed) as err:
        validate_mapping(bad, "province")
    text = str(err.value)
    assert f"devices[5] ({bad['devices'][5]['hostname']}), field 'mgmt_address'" in text
    assert f"duplicate hostname {bad['devices'][7]['hostname']!r}" in text


def test_a_clash_with_stored_devices_writes_nothing(tmp_path) -> None:
    from sqlmodel import Session, func, select

    from inventory.db import get_engine
    from inventory.models import Device, Room
    from inventory.province import load_province
    from inventory.service import load_sample, prepare

    engine = get_engine(f"sqlite:///{tmp_path / 'extranet.db'}")
    prepare(engine)
    load_sample(engine)  # its core switches hold 10.255.0.1/2, the provincial core's addresses
    with pytest.raises(ImportFailed) as err:
        load_province(engine, cities=1)
    assert ("devices[0] (PROV-CORE1), field 'mgmt_address': '10.255.0.1' is already used by stored device "
            "'QHD-CORE-SW1'") in str(err.value)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Device)).one() == 224
        assert s.exec(select(func.count()).select_from(Room)).one() == 7
    engine.dispose()
