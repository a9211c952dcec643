"""Backup value against a real collection: the SSH lab plays the sample city, netmiko collects every
device, the collector ingests link events and counters, and the money analysis must find exactly what
the lab served (lab/spec.py states it) and the topology's dual-carrier units."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from answers import ask
from inventory.db import get_engine, session_scope
from inventory.models import CounterSample, LinkEvent
from inventory.service import load_sample, prepare
from lab.spec import expected_backup_octets, expected_failover_hours
from tests.conftest import collect_from_lab
from topology.protection import classify


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    tmp = tmp_path_factory.mktemp("money-lab")
    eng = get_engine(f"sqlite:///{tmp / 'extranet.db'}")
    prepare(eng)
    load_sample(eng)
    collect_from_lab(eng, tmp, concurrency=16)
    yield eng
    eng.dispose()


def test_failover_hours_and_backup_bytes_match_what_the_lab_served(collected: Engine) -> None:
    with session_scope(collected) as s:
        assert s.exec(select(func.count()).select_from(LinkEvent)).one() > 0  # ingested from the device logs
        assert s.exec(select(func.count()).select_from(CounterSample)).one() > 0
        served_hours = expected_failover_hours(s)
        served_octets = expected_backup_octets(s)
        report = ask(s).money(2022)
    per_circuit = report.backup.failover_hours_by_circuit()
    assert set(per_circuit) == set(served_hours)
    assert per_circuit == pytest.approx(served_hours)
    assert sum(v for v in served_hours.values()) > 0
    assert report.backup.year(2022).failover_hours == pytest.approx(sum(served_hours.values()))
    assert report.backup.usage.octets == served_octets
    assert report.backup.usage.total() == sum(served_octets.values())
    verdict = report.backup.year(2022)
    assert verdict.verdict_code == "evidenced" and f"切换 {verdict.failovers} 次" in verdict.verdict


def test_protected_set_equals_the_topology_dual_carrier_units(collected: Engine) -> None:
    with session_scope(collected) as s:
        a = ask(s)
        g = a.graph()
        report = a.money(2022)
    dual = {u for u, p in classify(g).items() if p.cls in ("dual-carrier", "dual-carrier-room-diverse")}
    assert set(report.backup.protection.units) == dual and dual
    assert report.backup.protection.terminals == sum(p.terminals for u, p in classify(g).items() if u in dual)
