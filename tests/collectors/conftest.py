"""One SSH lab of the whole sample city and one whole-city collection, shared by the module tests
that need it (marked xdist_group("city") so `make test` keeps them on one worker)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from collectors.engine import Settings
from inventory.collection import RunReport, run_collection
from lab.model import LabSpec
from lab.server import LabOptions, LabThread


@dataclass
class City:
    engine: Engine
    url: str
    lab: LabThread
    inventory: dict[str, Any]
    report: RunReport
    log_text: str

    @property
    def spec(self) -> LabSpec:
        return self.lab.lab.spec


def fresh_sample(tmp: Path) -> tuple[Engine, str]:
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    url = f"sqlite:///{tmp / 'extranet.db'}"
    eng = get_engine(url)
    prepare(eng)
    load_sample(eng)
    return eng, url


def start_lab(engine: Engine, tmp: Path, faults: dict[str, str] | None = None,
              options: LabOptions | None = None) -> tuple[LabThread, dict[str, Any]]:
    import json

    from inventory.db import session_scope
    from lab.spec import build_lab_spec

    with session_scope(engine) as s:
        spec = build_lab_spec(s)
    for host, fault in (faults or {}).items():
        spec.device(host).fault = fault
    lab = LabThread(spec, options).start()
    inv = json.loads(lab.lab.write_files(tmp).read_text(encoding="utf-8"))
    return lab, inv


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:
            self.lines.append(str(record.msg))


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    tmp = tmp_path_factory.mktemp("city")
    engine, url = fresh_sample(tmp)
    lab, inv = start_lab(engine, tmp / "lab")
    # Every log record of the run at DEBUG (netmiko, paramiko, ours) is kept for the secret grep.
    cap = _Capture()
    root = logging.getLogger()
    old = root.level
    root.addHandler(cap)
    root.setLevel(logging.DEBUG)
    try:
        report = run_collection(engine, lab_inventory=inv, settings=Settings(concurrency=48, read_timeout=20))
    finally:
        root.removeHandler(cap)
        root.setLevel(old)
    yield City(engine, url, lab, inv, report, "\n".join(cap.lines))
    lab.stop()
    engine.dispose()
