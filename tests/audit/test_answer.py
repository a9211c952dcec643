"""The compliance report as an answer: one cached report per data state, resolutions on a copy."""

from __future__ import annotations

import pytest

import answers
from audit.catalogue import PASS, load_catalogue
from inventory.db import session_scope

from .conftest import AuditCity

pytestmark = pytest.mark.xdist_group("audit-city")


def test_one_cached_report_and_resolutions_on_a_copy(rendered_city: AuditCity) -> None:
    with session_scope(rendered_city.engine) as s:
        a = answers.ask(s)
        report = a.compliance()
        assert answers.ask(s).compliance() is report is rendered_city.report
        assert report.redundancy is not None and report.redundancy.spofs == a.spofs(answers.SWEEP_KINDS)
        assert report.redundancy.protection == a.protection()
        host, r = report.unresolved()[0]
        before = len(report.unresolved())
        own = a.compliance(resolutions=[{"device": host, "check": r.check_id, "result": PASS, "by": "张工"}])
        stricter = a.compliance(catalogue=load_catalogue().with_thresholds({"idle_timeout_max_minutes": 1}))
    assert len(own.unresolved()) == before - 1 and own.resolutions == 1
    assert len(report.unresolved()) == before and report.resolutions == 0 and r.resolved_by is None
    assert stricter is not report and stricter.catalogue.thresholds["idle_timeout_max_minutes"] == 1
