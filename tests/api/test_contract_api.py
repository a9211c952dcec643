"""The contract endpoints over the sample city with a year of record for U001's two circuits (the SLA API
test's record: a two-hour SNMP outage of LT-U001-1 on 4 May 2022 09:00 China time, a one-minute probe
failure on 1 Aug). The sample's typed 2022 incidents give Unicom 80 points (docs/money.md); the measured
outage adds one major access-quality incident (2 h ≥ 2 h: 3 points, within the 4-hour grace)."""

from __future__ import annotations

from .conftest import Api
from .test_sla_api import city  # noqa: F401  (the record fixture)


def _carrier(body: dict, code: str) -> dict:
    return next(c for c in body["carriers"] if c["carrier"] == code)


def test_permissions_and_validation(city: Api) -> None:  # noqa: F811
    assert city.get("/api/v1/contract/score?year=2022", "viewer").status_code == 403
    assert city.client.post("/api/v1/contract/simulate", json={}, headers=city.as_("engineer")).status_code == 403
    r = city.get("/api/v1/contract/score?year=2022&source=guessed", "finance")
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "query.source"
    r = city.client.post("/api/v1/contract/simulate", headers=city.as_("finance"),
                         json={"clause_sets": [{"key": "x", "credits": [{"below": 101, "credit": 10}]}]})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "body.clause_sets.0.credits.0.below"
    r = city.client.post("/api/v1/contract/simulate", headers=city.as_("finance"),
                         json={"clause_sets": [{"key": "x"}, {"key": "x"}]})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "body.clause_sets[1].key"
    r = city.client.post("/api/v1/contract/simulate", headers=city.as_("finance"), json={"colour": 1})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "body.colour"


def test_score_measured_and_typed(city: Api) -> None:  # noqa: F811
    typed = city.get("/api/v1/contract/score?year=2022&source=typed", "auditor").json()
    measured = city.get("/api/v1/contract/score?year=2022", "finance").json()
    tu, mu = _carrier(typed, "unicom"), _carrier(measured, "unicom")
    assert (tu["score"], tu["payable"]) == (80, 118.4)
    assert (mu["score"], mu["payable_percent"], mu["payable"], mu["fee"]) == (77, 77, 113.96, 148)
    [d] = [d for d in mu["deductions"] if d["source"] != "typed"]
    assert (d["severity"], d["points"], d["hours"], d["circuit"], d["outage"]) == (
        "major", 3, 2, "LT-U001-1", "circuit:LT-U001-1:20220504T010000Z")
    assert d["evidence"] and all(e.startswith("lsi:") for e in d["evidence"])
    # the probe's one minute is a flap, no incident
    assert [u["why"] for u in measured["uncounted"]] == ["1.0 分钟 < 5 分钟"]
    assert round(mu["availability"], 6) == round(100 * (365 * 86400 - 14460) / (365 * 86400 - 7200), 6)
    assert _carrier(measured, "telecom")["score"] == _carrier(typed, "telecom")["score"] == 98


def test_simulate_shipped_and_custom(city: Api) -> None:  # noqa: F811
    clauses = city.get("/api/v1/contract/clauses", "planner").json()
    assert [c["key"] for c in clauses] == ["current", "cloud_tiers", "line_tiers_capped"]
    r = city.client.post("/api/v1/contract/simulate", json={"year": 2022}, headers=city.as_("finance"))
    assert r.status_code == 200, r.text
    sets = {s["clause"]["key"]: _carrier(s, "unicom") for s in r.json()["sets"]}
    assert sets["current"]["payable"] == 113.96
    # May: LT-U001-1 alone measured, 2 h down of 31 days → 99.731183 % < 99.9 → 10 % of 148 / 12
    cloud = sets["cloud_tiers"]
    assert cloud["credits"] == 1.233333 and cloud["payable"] == 146.766667 and cloud["score"] is None
    assert [(m["month"], m["availability"]) for m in cloud["credit_months"]] == [(5, 99.731183)]
    body = {"year": 2022, "clause_sets": [{"key": "strict", "credits": [{"below": 99.99, "credit": 10}],
                                           "cap_percent": 20}]}
    s = _carrier(city.client.post("/api/v1/contract/simulate", json=body, headers=city.as_("finance")).json()
                 ["sets"][0], "unicom")
    # 23 % of 148 = 34.04 + 1.233333 = 35.273333 > the cap 29.6: capped, 118.40 payable
    assert (s["points_reduction"], s["capped"], s["payable"], s["payable_percent"]) == (34.04, True, 118.4, 80)
    assert s["triggered"] == ["points", "credits", "cap"]


def test_years_at_the_edges(city: Api) -> None:  # noqa: F811
    for year in (2000, 2100):
        for source in ("measured", "typed"):
            r = city.get(f"/api/v1/contract/score?year={year}&source={source}", "finance")
            assert r.status_code == 200, r.text
            assert [(c["carrier"], c["score"], c["deductions"]) for c in r.json()["carriers"]] == [
                ("unicom", 100, []), ("telecom", 100, [])]
    r = city.client.post("/api/v1/contract/simulate", json={"year": 2100}, headers=city.as_("finance"))
    assert r.status_code == 200 and all(c["credits"] in (0, None) for s in r.json()["sets"] for c in s["carriers"])


def test_a_typed_incident_matching_the_outage_is_one_incident(city: Api) -> None:  # noqa: F811
    """Last in the module: it adds an Incident row (the bureau typed the May outage, 09:05–10:55)."""
    import datetime as dt

    from sqlmodel import select

    from inventory.db import session_scope
    from inventory.models import Carrier, Circuit, Incident
    from money import sla

    start = dt.datetime(2022, 5, 4, 9, 5, tzinfo=sla.CHINA).astimezone(dt.UTC)
    with session_scope(city.engine, actor="test") as s:
        uni = s.exec(select(Carrier).where(Carrier.code == "unicom")).one()
        p = s.exec(select(Circuit).where(Circuit.cid == "LT-U001-1")).one()
        s.add(Incident(carrier_id=uni.id, circuit_id=p.id, category="access_quality", severity="major",
                       started_at=start, ended_at=start + dt.timedelta(minutes=110), description="typed"))
    measured = _carrier(city.get("/api/v1/contract/score?year=2022", "finance").json(), "unicom")
    typed = _carrier(city.get("/api/v1/contract/score?year=2022&source=typed", "finance").json(), "unicom")
    # typed alone: one more major incident (1.83 h: 3 points) → 80 − 3 = 77; measured: still 77, one incident
    assert typed["score"] == 77 and measured["score"] == 77
    access = [{k["code"]: k["incidents"] for k in c["categories"]}["access_quality"] for c in (typed, measured)]
    assert access == [8, 8]
    [d] = [d for d in measured["deductions"] if d["source"] != "typed"]
    assert d["source"] == "measured+typed" and len(d["incident_ids"]) == 1 and d["hours"] == 2 and d["points"] == 3
