"""Overview: the network, its protection and its single points of failure, the newest collection and
(for money readers) what the backup buys, on one page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from answers import ask
from api import auth
from inventory.models import CollectionRun
from inventory.summary import summary

from ..deps import need, page_user, render
from ..mapview import CLASS_COLOURS

router = APIRouter(include_in_schema=False)


@router.get("/overview", response_class=HTMLResponse)
def overview(request: Request, principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "topology.read")
    with Session(request.app.state.engine) as s:
        summ = summary(s)
        a = ask(s)
        by_class, spofs = a.class_counts(), a.spofs()
        run = s.exec(select(CollectionRun).order_by(col(CollectionRun.id).desc())).first()
        backup = None
        if principal.can("money.read"):
            try:
                r = ask(s).money()
                backup = {"year": r.year, "value": r.backup.year(r.year)}
            except (KeyError, ValueError):
                backup = None
    chart = {"labels": list(by_class), "units": [n for n, _ in by_class.values()],
             "terminals": [t for _, t in by_class.values()], "colours": [CLASS_COLOURS[c] for c in by_class]}
    return render(request, "overview.html", principal, s=summ, by_class=by_class, spofs=spofs[:8], run=run,
                  backup=backup, chart=json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"))
