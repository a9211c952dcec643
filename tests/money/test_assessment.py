"""The contract's 100-point assessment: no incidents → 100 points and 100 %; a documented set of
incidents → the score computed by hand from the shipped rule table."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from inventory.errors import ExtranetError
from inventory.models import CHINA_TZ
from money.assessment import assess, load_rules, parse_rules
from money.rows import IncidentRow


def _at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2021, month, day, hour, tzinfo=CHINA_TZ)


def _inc(carrier, category, severity, start, hours, points=None):  # type: ignore[no-untyped-def]
    return IncidentRow(carrier, None, category, severity, start, start + dt.timedelta(hours=hours), "", points)


def test_year_without_incidents_scores_100_and_pays_100(rows, ledger) -> None:
    a = assess(rows, ledger, 2021)  # the sample records incidents in 2022 only
    assert [c.carrier for c in a.carriers] == ["unicom", "telecom"]
    for c in a.carriers:
        assert c.score == 100 and c.payable_percent == 100 and not c.deductions
    unicom = a.carriers[0]
    assert unicom.fee == D("148.00") and unicom.payable == D("148.00") and unicom.overpaid == 0


# The documented incident set (docs/money.md, "Assessment: a worked example"), Unicom, 2021:
#   access_quality minor, 2 h            1                       = 1
#   access_quality major, 6 h 30 min     3 + 2 full hours × 0.5  = 4
#   access_quality critical, 12 h        5 + 8 × 0.5             = 9
#   security major                       10                      = 10
#   operations minor                     2                       = 2
#   operations, recorded override 1.5    1.5                     = 1.5
# deductions 27.5 → score 72.5 → pays 72.5 % of 148.00 = 107.30 万元; paid 148.00 → 40.70 over.
WORKED = [
    _inc("unicom", "access_quality", "minor", _at(3, 1), 2),
    _inc("unicom", "access_quality", "major", _at(4, 1), 6.5),
    _inc("unicom", "access_quality", "critical", _at(5, 1), 12),
    _inc("unicom", "security", "major", _at(6, 1), 1),
    _inc("unicom", "operations", "minor", _at(7, 1), 1),
    _inc("unicom", "operations", "major", _at(8, 1), 1, D("1.5")),
    # Not 2021 in China time (00:30 on 1 Jan 2022 CST is still 2021 in UTC): not counted.
    _inc("unicom", "security", "critical", dt.datetime(2022, 1, 1, 0, 30, tzinfo=CHINA_TZ), 1),
]


def test_documented_incidents_give_the_hand_computed_score(rows, ledger) -> None:
    a = assess(dataclasses.replace(rows, incidents=WORKED), ledger, 2021)
    unicom, telecom = a.carriers
    assert [d.points for d in unicom.deductions] == [D(1), D(4), D(9), D(10), D(2), D("1.5")]
    by_cat = {c.code: c.deducted for c in unicom.categories}
    assert by_cat == {"access_quality": D(14), "security": D(10), "operations": D("3.5")}
    assert unicom.score == D("72.5") and unicom.payable_percent == D("72.5")
    assert unicom.payable == D("107.30") and unicom.overpaid == D("40.70")
    assert telecom.score == 100 and telecom.fee == D("8.88") and telecom.payable == D("8.88")


def test_caps_and_the_payment_floor(rows, ledger) -> None:
    many = [_inc("telecom", "security", "critical", _at(2, d), 1) for d in range(1, 5)]  # 80 → capped at 30
    many += [_inc("telecom", "access_quality", "critical", _at(3, d), 30) for d in range(1, 5)]  # 4×18=72 → 40
    t = assess(dataclasses.replace(rows, incidents=many), ledger, 2021).carriers[1]
    assert {c.code: (c.raw, c.deducted) for c in t.categories if c.incidents} == {
        "security": (D(80), D(30)), "access_quality": (D(72), D(40))}
    assert t.score == 30 and t.payable_percent == 0 and t.payable == 0


def test_sample_2022_incidents(rows, ledger) -> None:
    a = assess(rows, ledger, 2022)
    unicom, telecom = a.carriers
    rules = load_rules()
    expected = D(0)
    for i in rows.incidents:
        if i.carrier == "unicom":
            extra = max(0, int((i.hours or 0) - 4)) * D("0.5")
            expected += rules.categories["access_quality"].per_incident[i.severity] + extra
    assert len(unicom.deductions) == 7 and unicom.score == 100 - expected
    assert telecom.score == 98  # one minor operations incident (a cut-over without notice)
    assert telecom.payable == (D("8.88") * D("0.98")).quantize(D("0.000001"))


def test_rule_table_errors_name_the_field(tmp_path) -> None:
    with pytest.raises(ExtranetError, match=r"categories.security.per_incident.*severity"):
        parse_rules({"categories": {"security": {"per_incident": {"huge": 3}}}, "payment": {"bands": []}})
    with pytest.raises(ExtranetError, match=r"payment.bands\[0\].payable.*number"):
        parse_rules({"categories": {"x": {"per_incident": {"minor": 1}}},
                     "payment": {"bands": [{"min_score": 0, "payable": "lots"}]}})
    bad = tmp_path / "r.yaml"
    bad.write_text("categories: [1, 2", encoding="utf-8")
    with pytest.raises(ExtranetError, match=r"r.yaml: not valid YAML"):
        load_rules(bad)
    with pytest.raises(ExtranetError, match="no such"):
        load_rules(tmp_path / "missing.yaml")


def test_unknown_incident_category_is_reported(rows, ledger) -> None:
    odd = [_inc("unicom", "weather", "minor", _at(3, 1), 1)]
    with pytest.raises(ExtranetError, match="category 'weather' has no rule; expected one of: access_quality"):
        assess(dataclasses.replace(rows, incidents=odd), ledger, 2021)


def test_measured_availability_below_target_costs_points(rows, ledger) -> None:
    # One Telecom circuit down 3 days in 2021: 72 h over 36 circuits × 8760 h → 99.977 %, above 99.9 %.
    start = _at(3, 1)
    one = [IncidentRow("telecom", "DX-U001-1", "access_quality", "critical", start, start + dt.timedelta(hours=72))]
    t = assess(dataclasses.replace(rows, incidents=one), ledger, 2021).carriers[1]
    assert t.availability == pytest.approx(100 * (1 - 72 / (36 * 8760)))
    assert [d.points for d in t.deductions] == [D(5) + 68 * D("0.5")]  # no availability deduction
    # The same outage on every Telecom circuit: 1 − 72/8760 = 99.178 % → 0.722 short → 8 tenths × 2 = 16.
    dx = sorted(c.cid for c in rows.circuits if c.carrier == "telecom")
    many = [IncidentRow("telecom", cid, "access_quality", "minor", start, start + dt.timedelta(hours=72),
                        points_deducted=D(0)) for cid in dx]
    t = assess(dataclasses.replace(rows, incidents=many), ledger, 2021).carriers[1]
    avail = [d for d in t.deductions if d.severity == "availability"]
    assert len(avail) == 1 and avail[0].points == 16 and "99.178%" in avail[0].why
    assert t.score == 100 - 16
