"""The contract simulator (money/simulator.py) on the documented cases: the shipped clause sets side by side,
a cap that binds, a termination threshold, errors naming the clause set and field."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory.errors import ExtranetError
from money.assessment import Assessment
from money.contract import ContractScore, score
from money.simulator import ClauseSet, Termination, Tier, load_clause_sets, parse_clause_sets, simulate

from .contract_cases import build_case


def _scored(rows, ledger, name):  # type: ignore[no-untyped-def]
    rec, typed = build_case(name)
    return score(dataclasses.replace(rows, incidents=typed), ledger, 2021, record=rec)


def _by(outcomes, carrier):  # type: ignore[no-untyped-def]
    return {o.clause.key: next(c for c in o.carriers if c.carrier == carrier) for o in outcomes}


def test_shipped_sets_on_case_c(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    s = _scored(rows, ledger, "C")
    assert round(s.months["telecom"][9], 6) == 98.333333  # 12 h of a 30-day month
    t = _by(simulate(s, load_clause_sets()), "telecom")
    assert (t["current"].score, t["current"].payable_percent, t["current"].payable) == (D(84), D(84), D("7.4592"))
    assert t["current"].triggered == ["points"]
    cloud = t["cloud_tiers"]  # no points; September under 99.0 → 25 % of 8.88 / 12
    assert cloud.score is None and cloud.credits == D("0.185") and cloud.payable == D("8.695")
    assert cloud.payable_percent == D("97.9167") and [(m.month, m.credit_percent) for m in cloud.credit_months] == \
        [(9, D(25))]
    line = t["line_tiers_capped"]  # 16 % of 8.88 = 1.4208 + 50 % of 0.74 = 0.37; cap 2.664 not reached
    assert (line.points_reduction, line.credits, line.payable, line.payable_percent) == (
        D("1.4208"), D("0.37"), D("7.0892"), D("79.8333"))
    assert line.triggered == ["points", "credits"] and not line.capped and not line.terminated
    u = _by(simulate(s, load_clause_sets()), "unicom")
    assert all(o.payable == D("148.00") and not o.triggered for o in u.values())


def test_a_binding_cap_and_termination(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    s = _scored(rows, ledger, "C")
    [base] = [c for c in load_clause_sets() if c.key == "line_tiers_capped"]
    tight = dataclasses.replace(base, key="tight", cap_percent=D(15), termination=Termination(D(99), 1))
    t = _by(simulate(s, [tight]), "telecom")["tight"]
    assert t.capped and t.payable == D("7.548") and t.payable_percent == D(85)
    assert t.terminated and t.termination_months == [9] and t.triggered == ["points", "credits", "cap", "termination"]


def test_case_a_unicom_month_credit(rows, ledger) -> None:  # type: ignore[no-untyped-def]
    s = _scored(rows, ledger, "A")
    u = _by(simulate(s, load_clause_sets()), "unicom")
    assert round(s.months["unicom"][4], 6) == 99.774306  # 6.5 h over 4 circuits × 30 days
    assert u["cloud_tiers"].credits == D("1.233333") and u["cloud_tiers"].payable == D("146.766667")
    # the 100-point scheme (91 %) plus April's 10 % tier
    assert u["line_tiers_capped"].payable == D("133.446667")


def test_clause_errors_name_set_and_field() -> None:
    cases = [([{"key": "x", "credits": [{"below": 101, "credit": 10}]}], "credits[0].below"),
             ([{"key": "x", "credits": [{"below": 99}]}], "credits[0]"),
             ([{"key": "x", "cap_percent": -1}], "cap_percent"),
             ([{"key": "x", "termination": {"below": 99, "months": 13}}], "termination.months"),
             ([{"key": "x", "points": "yes"}], "points"),
             ([{"key": "x"}, {"key": "x"}], "key"),
             ([{"key": "x", "colour": 1}], "colour")]
    for data, field in cases:
        with pytest.raises(ExtranetError) as e:
            parse_clause_sets(data, "c.yaml")
        assert str(e.value).startswith("c.yaml: clause set '") and f"field '{field}'" in str(e.value)
    with pytest.raises(ExtranetError):
        parse_clause_sets([], "c.yaml")
    assert parse_clause_sets([{"key": "k"}])[0] == ClauseSet("k", "k")


# -- the simulator against a naive reading of the clauses (hypothesis) -----------------------------------

_pct = st.decimals(min_value=0, max_value=100, places=1)
_avail = st.one_of(st.none(), st.floats(min_value=90, max_value=100, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(fee=st.decimals(min_value=1, max_value=500, places=2), score=st.integers(0, 100),
       months=st.lists(_avail, min_size=12, max_size=12),
       tiers=st.lists(st.tuples(st.decimals(min_value=90, max_value=100, places=2), _pct), max_size=3,
                      unique_by=lambda t: t[0]),
       cap=st.one_of(st.none(), _pct), points=st.booleans(),
       term=st.one_of(st.none(), st.tuples(st.decimals(min_value=90, max_value=100, places=1), st.integers(1, 12))))
def test_simulator_matches_a_naive_reading(fee, score, months, tiers, cap, points, term) -> None:  # type: ignore[no-untyped-def]
    percent = D(score) if score >= 60 else D(0)
    carrier = SimpleNamespace(carrier="x", carrier_name="X", fee=fee, score=D(score), payable_percent=percent)
    scored = ContractScore(2021, "typed", Assessment(2021, [carrier]), None,  # type: ignore[arg-type, list-item]
                           {"x": dict(enumerate(months, start=1))})
    cs = ClauseSet("s", "s", points, tuple(sorted((Tier(b, c) for b, c in tiers), key=lambda t: t.below)), cap,
                   None if term is None else Termination(*term))
    [[got]] = [o.carriers for o in simulate(scored, [cs])]
    # naive: every month, of the tiers it falls under, the one with the lowest threshold
    credits = D(0)
    for a in months:
        under = [Tier(b, c) for b, c in tiers if a is not None and D(str(round(a, 6))) < b]
        if under:
            credits += (fee / 12 * min(under, key=lambda t: t.below).credit / 100).quantize(D("0.000001"))
    assert got.credits == credits
    reduction = fee * (100 - (percent if points else 100)) / 100
    withheld = reduction + credits
    if cap is not None:
        withheld = min(withheld, fee * cap / 100)
    withheld = min(withheld, fee)
    assert abs(got.payable - (fee - withheld)) <= D("0.000002")
    assert D(0) <= got.payable <= fee
    assert got.capped == (cap is not None and reduction + credits > (fee * cap / 100).quantize(D("0.000001")))
    if term is not None:
        longest = run = 0
        for a in months:
            run = run + 1 if a is not None and D(str(round(a, 6))) < term[0] else 0
            longest = max(longest, run)
        assert got.terminated == (longest >= term[1])
    else:
        assert not got.terminated
