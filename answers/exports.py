"""Heavy exports as jobs (answers/jobs.py): the 等保 evidence pack of the compliance report, computed
once per data fingerprint in the background and kept until the data changes."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from inventory.errors import ExtranetError

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
