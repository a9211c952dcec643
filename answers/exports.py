"""Heavy exports as jobs (answers/jobs.py): the 等保 evidence pack, the money workbook and the inventory
document, each computed once per data fingerprint in the background and kept until the data changes."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from inventory.errors import ExtranetError
from inventory.io import dump_yaml, export_document
from money.workbook import write_workbook

from . import jobs
from .core import Snapshot


@dataclass(frozen=True)
class Pack:
    data: bytes
    generated_at: dt.datetime


def evidence_pack(a: Snapshot, *, owner: str, strict: bool = False) -> jobs.Job:
    """The job writing the evidence pack of the data `a` sees (started for `owner` unless it runs or is
    kept already); its result is a Pack, its error the pack writer's refusal."""
    engine = a.session.get_bind()
    snapshot = type(a)

    def compute() -> Pack:
        from audit.export.pack import write_pack  # draws with matplotlib: slow to import, only the pack needs it

        with Session(engine) as s:
            r = snapshot(s).compliance()  # type: ignore[attr-defined]
        if not r.audits:
            raise ExtranetError("the inventory has no devices to audit", code="no_data")
        with tempfile.TemporaryDirectory() as tmp:
            data = write_pack(r, Path(tmp) / "evidence-pack.zip", strict=strict).read_bytes()
        return Pack(data, r.generated_at)

    return jobs.runner().submit(a.url, a.fingerprint, "evidence-pack", (strict,), owner=owner,
                                permission="compliance.read", compute=compute)


@dataclass(frozen=True)
class Download:
    data: bytes
    filename: str
    media_type: str


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def money_workbook(a: Snapshot, *, owner: str, year: int | None = None, rule: str = "circuits") -> jobs.Job:
    """The money workbook of the data `a` sees, as a job (a province's ledger and charts take seconds)."""
    engine = a.session.get_bind()
    snapshot = type(a)

    def compute() -> Download:
        with Session(engine) as s:
            r = snapshot(s).money(year, rule=rule)  # type: ignore[attr-defined]
        with tempfile.TemporaryDirectory() as tmp:
            data = write_workbook(r, Path(tmp) / "money.xlsx").read_bytes()
        return Download(data, f"money-{r.year}.xlsx", XLSX)

    return jobs.runner().submit(a.url, a.fingerprint, "money-workbook", (year, rule), owner=owner,
                                permission="money.read", compute=compute)


def inventory_document(a: Snapshot, *, owner: str) -> jobs.Job:
    """The inventory as a re-importable YAML document, as a job (a province is 10 MB of YAML)."""
    engine = a.session.get_bind()

    def compute() -> Download:
        with Session(engine) as s:
            text = dump_yaml(export_document(s))
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
        return Download(text.encode("utf-8"), f"inventory-{stamp}.yaml", "application/yaml; charset=utf-8")

    return jobs.runner().submit(a.url, a.fingerprint, "inventory-document", (), owner=owner,
                                permission="export.read", compute=compute)
