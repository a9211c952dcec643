"""The contract scored from the record (money/contract.py): the three hand-computed cases of docs/money.md,
no double counting of a typed incident that matches a measured outage, the typed fallback equal to
money/assessment.py, and rule-table errors that name file, rule and field."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from inventory.errors import ExtranetError
from money.assessment import assess, load_rules
from money.contract import MeasuredRules, load_contract_rules, parse_contract_rules, score

from .contract_cases import EXPECTED, build_case


def _score(rows, ledger, name):  # type: ignore[no-untyped-def]
    rec, typed = build_case(name)
    return score(dataclasses.replace(rows, incidents=typed), ledger, 2021, record=rec)


@pytest.mark.parametrize("name", ["A", "B", "C"])
def test_hand_computed_cases(rows, ledger, name) -> None:  # type: ignore[no-untyped-def]
    s = _score(rows, ledger, name)
    assert s.source == "measured"
    got = {c.carrier: (c.score, c.payable_percent, c.payable) for c in s.carriers}
    assert got == EXPECTED[name]


def test_case_a_one_incident_with_its_evidence(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    u = _score(rows, ledger, "A").carriers[0]
    assert [(d.category, d.severity, d.source, d.points, d.hours) for d in u.deductions] == [
        ("access_quality", "major", "measured+typed", D(4), 6.5), ("security", "minor", "typed", D(5), 1.0)]
    d = u.deductions[0]
    assert d.incident_ids == (1,) and d.outage == "circuit:P1:20210407T010000Z" and d.evidence == ("lsi:P10",)
    assert (d.units, d.terminals) == (0, 0)  # the backup carried U1
    assert "超时 2 小时 × 0.5 分" in d.why
    assert round(u.availability, 6) == round(100 * (1 - 23400 / (4 * 31_536_000)), 6)


def test_case_b_units_decide_and_a_flap_is_no_incident(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    s = _score(rows, ledger, "B")
    [d] = s.carriers[0].deductions
    assert (d.severity, d.points, d.hours, d.units, d.terminals, d.outage) == (
        "major", D(3), 1.5, 3, 400, "srlg:DUCT-7:20210715T060000Z")
    assert s.uncounted == [("circuit:P1:20210720T010000Z", "3.0 分钟 < 5 分钟")]
    assert round(s.carriers[0].availability, 5) == round(100 * (1 - 16200 / (4 * 31_536_000)), 5)


def test_case_c_availability_and_typed_incidents(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    t = _score(rows, ledger, "C").carriers[1]
    assert [(d.category, d.severity, d.source, d.points) for d in t.deductions] == [
        ("access_quality", "critical", "measured", D(9)), ("access_quality", "minor", "typed", D(1)),
        ("operations", "major", "typed", D(4)), ("access_quality", "availability", "measured", D(2))]
    assert round(t.availability, 6) == 99.863014
    assert {c.code: c.deducted for c in t.categories} == {"access_quality": D(12), "security": D(0),
                                                         "operations": D(4)}


def test_typed_alone_would_count_twice_and_measured_does_not(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    rec, typed = build_case("A")
    r = dataclasses.replace(rows, incidents=typed)
    # typed only: the typed P1 incident (6 h, major → 3 + 1) and the security one
    t = score(r, ledger, 2021).carriers[0]
    assert [d.points for d in t.deductions] == [D(4), D(5)] and t.score == 91
    # scored from the record the measured outage replaces it (6.5 h: the same 4 points), never adds to it
    m = score(r, ledger, 2021, record=rec).carriers[0]
    assert len([d for d in m.deductions if d.category == "access_quality"]) == 1


def test_without_a_record_it_is_the_assessment(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    s = score(rows, ledger, 2022)
    a = assess(rows, ledger, 2022)
    assert s.source == "typed"
    assert [(c.carrier, c.score, c.payable) for c in s.carriers] == [(c.carrier, c.score, c.payable)
                                                                     for c in a.carriers]
    assert s.carriers[0].score == 80 and s.carriers[0].payable == D("118.40")


def test_shipped_rules_and_errors_name_file_rule_field() -> None:
    c = load_contract_rules()
    assert c.measured == MeasuredRules()
    assert c.measured.severity_of(8, 0) == "critical" and c.measured.severity_of(0.5, 10) == "critical"
    assert c.measured.severity_of(1.9, 2) == "minor"
    base = load_rules()
    assert base.categories.keys() == c.rules.categories.keys()
    import yaml

    from money.assessment import RULES_PATH
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    for patch, field in [({"severity": {"major": {"hours": -1}}}, "measured.severity.major.hours"),
                         ({"severity": {"huge": {"hours": 1}}}, "measured.severity"),
                         ({"kinds": ["planet"]}, "measured.kinds"),
                         ({"availability_basis": "vibes"}, "measured.availability_basis"),
                         ({"category": "nope"}, "measured.category"),
                         ({"colour": 1}, "measured.colour")]:
        bad = {**data, "measured": {**data["measured"], **patch}}
        with pytest.raises(ExtranetError) as e:
            parse_contract_rules(bad, "rules.yaml")
        assert str(e.value).startswith("rules.yaml: rule 'measured', field ") and field in str(e.value)
