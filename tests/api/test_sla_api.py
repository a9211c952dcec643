"""The SLA endpoints over the sample city with a year of record written for one unit's two circuits:
daily rollups (one day with two unmeasured hours), SNMP intervals with a two-hour primary outage, a failing
probe, and the backup's traffic during the outage in its hourly rollups."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from inventory.db import session_scope
from inventory.models import Circuit, Interface, InterfaceRollup, LinkStateInterval, ProbeResult
from money import sla

from .conftest import Api

CN = sla.CHINA
UTC = dt.UTC
H = dt.timedelta(hours=1)
LO, HI = sla.year_bounds(2022)
OUT = dt.datetime(2022, 5, 4, 9, tzinfo=CN).astimezone(UTC)  # the primary's outage, two hours
GAP_DAY = dt.datetime(2022, 3, 10, tzinfo=CN).astimezone(UTC)  # 10:00–12:00 local unmeasured
PROBE_AT = dt.datetime(2022, 8, 1, 12, tzinfo=CN).astimezone(UTC)
YEAR_S = 365 * 86400


@pytest.fixture(scope="module")
def city(api_sqlite: Api) -> Api:
    with session_scope(api_sqlite.engine) as s:
        p = s.exec(select(Circuit).where(Circuit.cid == "LT-U001-1")).one()
        b = s.exec(select(Circuit).where(Circuit.cid == "DX-U001-1")).one()
        pi, bi = p.a_interface_id, b.a_interface_id
        dev = s.get(Interface, pi).device_id
        day = LO
        rows = []
        while day < HI:
            for iid in (pi, bi):
                partial = iid == pi and day == GAP_DAY
                rows.append(InterfaceRollup(interface_id=iid, period="day", start=day, samples=288,
                                            measured_s=86400 - 7200 if partial else 86400))
            day += dt.timedelta(days=1)
        for h in range(24):
            rows.append(InterfaceRollup(interface_id=pi, period="hour", start=GAP_DAY + h * H,
                                        measured_s=0 if h in (10, 11) else 3600))
        for h in range(-1, 3):  # the backup carries the unit from the outage's first hour
            rows.append(InterfaceRollup(interface_id=bi, period="hour", start=OUT + h * H,
                                        in_bytes=900_000_000 if h >= 0 else 1_000, out_bytes=1_000))
        s.add_all(rows)
        s.add_all([
            LinkStateInterval(interface_id=pi, circuit_id=p.id, state="up", started_at=LO, ended_at=OUT,
                              source="snmp"),
            LinkStateInterval(interface_id=pi, circuit_id=p.id, state="down", started_at=OUT, ended_at=OUT + 2 * H,
                              source="snmp"),
            LinkStateInterval(interface_id=pi, circuit_id=p.id, state="up", started_at=OUT + 2 * H, source="snmp"),
            LinkStateInterval(interface_id=bi, circuit_id=b.id, state="up", started_at=LO, source="snmp"),
            ProbeResult(device_id=dev, test="wan primary", circuit_id=p.id, measured_at=PROBE_AT, ok=False,
                        sent=5, received=0),
        ])
    return api_sqlite


def test_permissions(city: Api) -> None:
    assert city.get("/api/v1/sla/ledger?year=2022", "viewer").status_code == 403
    assert city.get("/api/v1/sla/outages?year=2022", "engineer").status_code == 403
    r = city.get("/api/v1/sla/ledger?year=1999", "finance")
    assert r.status_code == 422 and r.json()["code"] == "validation_error"


def test_circuit_ledger(city: Api) -> None:
    r = city.get("/api/v1/sla/ledger?year=2022&by=circuit", "finance")
    assert r.status_code == 200, r.text
    body = r.json()
    line = next(x for x in body["lines"] if x["key"] == "LT-U001-1")
    f = line["figures"]
    assert (f["down_s"], f["unmeasured_s"], f["maintenance_s"]) == (7200 + 60, 7200, 0)
    assert f["up_s"] == YEAR_S - 7200 - 7260
    assert f["by_source"] == {"probe": 60, "snmp": YEAR_S - 7200 - 60}
    assert f["availability"] == round(100 * (YEAR_S - 14460) / YEAR_S, 6)
    assert line["months"][4]["down_s"] == 7200 and line["months"][7]["down_s"] == 60
    assert line["months"][2]["unmeasured_s"] == 7200 and line["months"][1]["unmeasured_s"] == 0
    # a circuit with no record at all is unmeasured all year, never up
    other = next(x for x in body["lines"] if x["key"] == "LT-U002-1")["figures"]
    assert other["up_s"] == 0 and other["unmeasured_s"] == YEAR_S and other["availability"] == 0
    assert body["labels"]["unmeasured_s"].startswith("未测量")


def test_month_unit_carrier(city: Api) -> None:
    may = city.get("/api/v1/sla/ledger?year=2022&by=circuit&month=5", "auditor").json()
    f = next(x for x in may["lines"] if x["key"] == "LT-U001-1")["figures"]
    assert f["down_s"] == 7200 and f["up_s"] == 31 * 86400 - 7200 and may["month"] == 5
    unit = city.get("/api/v1/sla/ledger?year=2022&by=unit", "finance").json()
    u = next(x for x in unit["lines"] if x["key"] == "U001")
    assert u["members"] == ["DX-U001-1", "LT-U001-1"] and u["name"] != "U001"
    assert (u["figures"]["up_s"], u["figures"]["down_s"], u["figures"]["unmeasured_s"]) == (YEAR_S, 0, 0)
    car = city.get("/api/v1/sla/ledger?year=2022&by=carrier", "planner").json()
    uni = next(x for x in car["lines"] if x["key"] == "unicom")
    assert uni["name"] == "中国联通"
    assert uni["figures"]["down_s"] == 7260 and uni["figures"]["up_s"] == YEAR_S - 14460


def test_intervals_name_their_source(city: Api) -> None:
    r = city.get("/api/v1/sla/circuits/LT-U001-1/intervals?year=2022", "finance").json()
    downs = [i for i in r["intervals"] if i["state"] == "down"]
    # SNMP's outage in two parts: certain from the sample that saw it down, then the five minutes before the
    # sample that saw it up again (SNMP's uncertainty, named by the interval that closed it); then the probe
    assert [(d["source"], d["state_zh"]) for d in downs] == [("snmp", "中断"), ("snmp", "中断"), ("probe", "中断")]
    assert downs[0]["end"] == downs[1]["start"] and downs[0]["refs"] != downs[1]["refs"]
    assert [d["refs"][0].split(":")[0] for d in downs] == ["lsi", "lsi", "probe"]
    assert city.get("/api/v1/sla/circuits/NOPE/intervals?year=2022", "finance").status_code == 404


def test_outages(city: Api) -> None:
    body = city.get("/api/v1/sla/outages?year=2022", "finance").json()
    mine = [o for o in body["outages"] if o["circuits"] == ["LT-U001-1"] and o["measured"]]
    assert [(o["start"][:16], o["duration_s"]) for o in mine] == [("2022-05-04T01:00", 7200), ("2022-08-01T03:59", 60)]
    o = mine[0]
    assert o["failed_kind"] == "circuit" and o["sources"] == ["snmp"] and not o["typed"]
    [u] = o["units"]
    assert (u["unit"], u["backup"], u["backup_ready"], u["cut_s"], u["backup_up_s"]) == \
        ("U001", "DX-U001-1", True, 0, 7200)
    assert (u["takeover_s"], u["takeover_resolution_s"]) == (0, 3600)
    assert u["carried_octets"] == 2 * 900_001_000 and u["terminals"] > 0 and o["terminals"] == 0
    typed = [o for o in body["outages"] if o["typed"] and not o["measured"]]
    assert len(typed) == 8 and all(o["evidence"][0].startswith("incident:") for o in typed)


def test_a_planned_window_turns_the_outage_into_maintenance(city: Api) -> None:
    c = city.client
    start, end = (OUT - H).astimezone(CN), (OUT + H).astimezone(CN)  # the notice covers the outage's first hour
    body = {"starts_at": start.isoformat(), "ends_at": end.isoformat(), "circuit": "LT-U001-1",
            "note": "联通割接维护通知"}
    assert c.post("/api/v1/sla/maintenance", json=body, headers=city.as_("finance")).status_code == 403
    r = c.post("/api/v1/sla/maintenance", json=body, headers=city.as_("engineer"))
    assert r.status_code == 201, r.text
    wid = r.json()["id"]
    try:
        listed = city.get("/api/v1/sla/maintenance?year=2022", "finance").json()
        assert [(w["circuit"], w["note"], w["created_by"]) for w in listed] == [("LT-U001-1", "联通割接维护通知",
                                                                                 "t-engineer")]
        f = next(x for x in city.get("/api/v1/sla/ledger?year=2022&by=circuit", "finance").json()["lines"]
                 if x["key"] == "LT-U001-1")["figures"]
        assert (f["down_s"], f["maintenance_s"]) == (3600 + 60, 3600)  # up time inside the window stays up
        assert f["availability"] == round(100 * (YEAR_S - 14460) / (YEAR_S - 3600), 6)
    finally:
        assert c.delete(f"/api/v1/sla/maintenance/{wid}", headers=city.as_("engineer")).status_code == 204
    f = next(x for x in city.get("/api/v1/sla/ledger?year=2022&by=circuit", "finance").json()["lines"]
             if x["key"] == "LT-U001-1")["figures"]
    assert f["maintenance_s"] == 0 and f["down_s"] == 7260


@pytest.mark.parametrize(("change", "status", "says"), [
    ({"ends_at": "2022-05-04T08:00:00+08:00"}, 422, "not after"),
    ({"starts_at": "2022-05-04T09:00:00"}, 422, "time zone"),
    ({"ends_at": "2022-07-04T10:00:00+08:00"}, 422, "longer than"),
    ({"circuit": "NOPE-1"}, 404, "NOPE-1"),
    ({"circuit": None, "carrier": "nope"}, 404, "known: "),
    ({"carrier": "unicom"}, 422, "not both"),
])
def test_a_bad_window_is_refused_and_names_what_is_wrong(city: Api, change: dict, status: int, says: str) -> None:
    body = {"starts_at": "2022-05-04T09:00:00+08:00", "ends_at": "2022-05-04T10:00:00+08:00",
            "circuit": "LT-U001-1", **change}
    r = city.client.post("/api/v1/sla/maintenance", json=body, headers=city.as_("engineer"))
    assert r.status_code == status and says in r.text, r.text
    assert city.get("/api/v1/sla/maintenance?year=2022", "finance").json() == []
