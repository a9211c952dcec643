"""Downloads of the files the project produces: the inventory document (YAML, re-importable), the
money workbook (XLSX), the topology at a level (JSON). The audit trail export is under /audit-trail."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from inventory.io import dump_yaml, export_document
from money.workbook import write_workbook

from ..deps import Ctx, ctx_for
from .money import report
from .topology import level_json

router = APIRouter(prefix="/exports", tags=["exports"])


def _attachment(name: str) -> dict[str, str]:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    return {"Content-Disposition": f'attachment; filename="{name.replace(".", f"-{stamp}.", 1)}"'}


@router.get("/inventory.yaml", summary="The inventory as an import document (YAML)", response_class=Response,
            responses={200: {"content": {"application/yaml": {}}, "description": "re-importable document"}})
def inventory_yaml(ctx: Ctx = Depends(ctx_for("export.read"))) -> Response:
    with ctx.read() as s:
        text = dump_yaml(export_document(s))
    return Response(text.encode("utf-8"), media_type="application/yaml; charset=utf-8",
                    headers=_attachment("inventory.yaml"))


@router.get("/money.xlsx", summary="The money workbook (every sheet, with charts)", response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
                             "description": "XLSX workbook"}})
def money_xlsx(year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
               ctx: Ctx = Depends(ctx_for("money.read"))) -> Response:
    r = report(ctx, year)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(r, Path(tmp) / "money.xlsx")
        data = path.read_bytes()
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers=_attachment("money.xlsx"))


@router.get("/topology-{level}.json", summary="The topology at one level, with coordinates (download)",
            response_class=Response, responses={200: {"content": {"application/json": {}}}})
def topology_json(level: Literal["rooms", "units", "devices"],
                  ctx: Ctx = Depends(ctx_for("topology.read"))) -> Response:
    return Response(level_json(ctx, level), media_type="application/json",
                    headers=_attachment(f"topology-{level}.json"))
