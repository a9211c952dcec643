"""Quantity, quality, timeliness and cost indicators for a year, from the system's own data."""

from __future__ import annotations

from decimal import Decimal as D

import pytest


@pytest.fixture(scope="module")
def report22(evidence_loaded):  # type: ignore[no-untyped-def]
    return evidence_loaded.report(2022, basis="contract")


def _by_en(report):  # type: ignore[no-untyped-def]
    return {i.name_en: i for i in report.indicators}


def test_quantity(report22) -> None:
    ind = _by_en(report22)
    assert ind["node rooms"].value == 7
    assert ind["units attached"].value == 97
    assert ind["terminals served (declared)"].value == sum(u.terminals for u in report22.rows.units.values())
    assert ind["terminals served (declared)"].value > 10_000
    assert ind["terminals served (measured)"].value is None  # nothing collected in this database
    n_dx = sum(1 for c in report22.rows.circuits if c.carrier == "telecom")
    assert ind["circuits in service (telecom)"].value == n_dx


def test_quality_and_timeliness(report22) -> None:
    ind = _by_en(report22)
    rows = report22.rows
    hours = sum(i.hours for i in rows.incidents if i.carrier == "unicom")
    n = ind["circuits in service (unicom)"].value
    assert ind["circuit availability (unicom)"].value == pytest.approx(100 * (1 - hours / (n * 8760)))
    # One incident in the sample cut a unit off (no second circuit); the others failed over.
    cut = [i for i in report22.backup.intervals if i.kind == "outage"]
    assert ind["unit availability"].value == pytest.approx(100 * (1 - sum(i.hours() for i in cut) / (97 * 8760)))
    assert ind["failover success"].value == 100.0
    closed = [i.hours for i in rows.incidents]
    assert ind["incidents"].value == 8
    assert ind["mean restore time"].value == pytest.approx(sum(closed) / 8)
    assert ind["longest restore time"].value == max(closed)
    assert ind["restored within target"].value == pytest.approx(100 * sum(h <= 4 for h in closed) / 8)


def test_cost(report22) -> None:
    ind = _by_en(report22)
    # Contract basis: Unicom 148.00 (the annual fee of 网元合作协议) + Telecom 8.88.
    assert ind["service-year fees"].value == D("156.88")
    assert ind["cost per unit"].value == (D("156.88") / 97).quantize(D("0.000001"))
    terminals = ind["terminals served (declared)"].value
    assert ind["cost per terminal"].value == (D("156.88") / terminals * 10000).quantize(D("0.01"))
    assert ind["backup cost per protected unit"].value == (D("8.88") / 28).quantize(D("0.000001"))


def test_a_year_without_events_has_no_quality_data(evidence_loaded) -> None:
    ind = _by_en(evidence_loaded.report(2021))
    assert ind["failover success"].value is None and ind["failover success"].text() == "无数据"
    assert ind["circuit availability (unicom)"].value == 100.0
    assert ind["incidents"].value == 0 and ind["mean restore time"].value is None
