"""Fixtures: the sample city with rendered configs stored as snapshots (fast, exact), the same city
collected for real from the SSH lab with netmiko, and one evidence pack built from it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

import answers
from audit.service import AuditReport
from lab.model import LabSpec
from lab.render import render_config


@dataclass
class AuditCity:
    engine: Engine
    spec: LabSpec
    report: AuditReport


def _sample(tmp: Path) -> Engine:
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    eng = get_engine(f"sqlite:///{tmp / 'extranet.db'}")
    prepare(eng)
    load_sample(eng)
    return eng


def _spec(engine: Engine) -> LabSpec:
    from inventory.db import session_scope
    from lab.spec import build_lab_spec

    with session_scope(engine) as s:
        return build_lab_spec(s)


@pytest.fixture(scope="session")
def rendered_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditCity]:
    """Every device's config as the lab renders it, stored as its newest ConfigSnapshot."""
    from inventory.db import session_scope
    from inventory.models import ConfigSnapshot, Device

    engine = _sample(tmp_path_factory.mktemp("rendered"))
    spec = _spec(engine)
    with session_scope(engine) as s:
        ids = {d.hostname: d.id for d in s.exec(select(Device)).all()}
        for dev in spec.devices:
            text = render_config(dev)
            digest = hashlib.sha256(text.encode()).hexdigest()
            s.add(ConfigSnapshot(device_id=ids[dev.hostname], text=text, sha256=digest, source="import"))
    with session_scope(engine) as s:
        report = answers.ask(s).compliance()
    yield AuditCity(engine, spec, report)
    engine.dispose()


@pytest.fixture(scope="session")
def collected_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditCity]:
    """The sample city collected over SSH from the lab with the real netmiko client."""
    from inventory.db import session_scope
    from tests.conftest import collect_from_lab

    tmp = tmp_path_factory.mktemp("collected")
    engine = _sample(tmp)
    spec = _spec(engine)
    collect_from_lab(engine, tmp, spec, concurrency=48, read_timeout=20)
    with session_scope(engine) as s:
        audit = answers.ask(s).compliance()
    yield AuditCity(engine, spec, audit)
    engine.dispose()


@pytest.fixture(scope="session")
def pack(collected_city: AuditCity, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from audit.export.pack import write_pack

    return write_pack(collected_city.report, tmp_path_factory.mktemp("pack") / "evidence-pack.zip")
