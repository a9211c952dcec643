"""The contract simulator: the same scored record re-read under alternative clauses, side by side.

A clause set (data: money/contract_clauses.yaml, or a request's body) combines:
- ``points``: apply the 100-point scheme (the payable % its score earns) — true for the signed contract;
- ``credits``: tiered availability credits as carriers' standard SLAs write them — for each month whose
  availability is below a tier's ``below`` (percent), the deepest such tier's ``credit`` percent of the
  month's fee (the year's fee ÷ 12) is withheld;
- ``cap_percent``: the points' reduction plus the credits never withhold more than this share of the fee;
- ``termination``: ``months`` consecutive months below ``below`` percent give the bureau the right to
  terminate (a month with no availability figure breaks the run: it proves nothing either way).

Pure: takes a money.contract.ContractScore and the clause sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from inventory.errors import ExtranetError

from .contract import ContractScore

CLAUSES_PATH = Path(__file__).with_name("contract_clauses.yaml")
Q = Decimal("0.000001")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Tier:
    below: Decimal
    credit: Decimal


@dataclass(frozen=True)
class Termination:
    below: Decimal
    months: int


@dataclass(frozen=True)
class ClauseSet:
    key: str
    name: str
    points: bool = True
    credits: tuple[Tier, ...] = ()  # deepest (lowest `below`) first
    cap_percent: Decimal | None = None
    termination: Termination | None = None

    def credit_for(self, availability: float | None) -> Tier | None:
        if availability is None:
            return None
        return next((t for t in self.credits if Decimal(str(round(availability, 6))) < t.below), None)


@dataclass
class MonthCredit:
    month: int
    availability: float
    credit_percent: Decimal
    amount: Decimal | None


@dataclass
class CarrierOutcome:
    carrier: str
    carrier_name: str
    score: Decimal | None  # None: the set does not apply the points
    payable_percent: Decimal | None  # of the fee, after everything; None: no fee known
    payable: Decimal | None
    fee: Decimal | None
    points_reduction: Decimal | None
    credits: Decimal | None
    credit_months: list[MonthCredit]
    capped: bool
    terminated: bool
    termination_months: list[int]
    triggered: list[str]  # points | credits | cap | termination


@dataclass
class SetOutcome:
    clause: ClauseSet
    carriers: list[CarrierOutcome] = field(default_factory=list)


# -- clause sets as data --------------------------------------------------------------------------------
def load_clause_sets(path: str | Path | None = None) -> list[ClauseSet]:
    p = Path(path) if path else CLAUSES_PATH
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtranetError(f"{p}: no such clause file", code="bad_rules") from None
    except yaml.YAMLError as exc:
        raise ExtranetError(f"{p}: not valid YAML: {exc}".splitlines()[0], code="bad_rules") from None
    return parse_clause_sets(data.get("clause_sets") if isinstance(data, dict) else None, str(p))


class ClauseError(ExtranetError):
    def __init__(self, message: str, field_path: str) -> None:
        super().__init__(message, code="bad_rules")
        self.field = field_path


def parse_clause_sets(data: Any, source: str = "<clauses>") -> list[ClauseSet]:
    """Every problem names the file, the clause set and the field."""
    if not isinstance(data, list) or not data:
        raise ClauseError(f"{source}: field 'clause_sets': expected a non-empty list of clause sets", "clause_sets")
    out, seen = [], set()
    for n, raw in enumerate(data):
        cs = parse_clause_set(raw, source, n)
        if cs.key in seen:
            raise ClauseError(f"{source}: clause set '{cs.key}', field 'key': expected a key used once",
                              f"clause_sets[{n}].key")
        seen.add(cs.key)
        out.append(cs)
    return out


def parse_clause_set(raw: Any, source: str = "<clauses>", n: int = 0) -> ClauseSet:
    name = raw.get("key", f"#{n}") if isinstance(raw, dict) else f"#{n}"

    def bad(where: str, expected: str) -> ClauseError:
        return ClauseError(f"{source}: clause set '{name}', field '{where}': expected {expected}",
                           f"clause_sets[{n}].{where}")

    def pct(v: Any, where: str, *, hi: Decimal = HUNDRED) -> Decimal:
        if isinstance(v, bool) or not isinstance(v, int | float | str | Decimal):
            raise bad(where, f"a number from 0 to {hi}")
        try:
            d = Decimal(str(v))
        except ArithmeticError:
            raise bad(where, f"a number from 0 to {hi}") from None
        if not d.is_finite() or d < 0 or d > hi:
            raise bad(where, f"a number from 0 to {hi}")
        return d

    if not isinstance(raw, dict):
        raise bad("(top)", "a mapping with key, name, points, credits, cap_percent, termination")
    known = {"key", "name", "points", "credits", "cap_percent", "termination", "note"}
    if set(raw) - known:
        raise bad(sorted(set(raw) - known)[0], f"one of {', '.join(sorted(known))}")
    key = raw.get("key")
    if not isinstance(key, str) or not key or len(key) > 40:
        raise bad("key", "a short text")
    points = raw.get("points", True)
    if not isinstance(points, bool):
        raise bad("points", "true or false")
    tiers = []
    credits = raw.get("credits") or []
    if not isinstance(credits, list):
        raise bad("credits", "a list of {below, credit}")
    for i, t in enumerate(credits):
        if not isinstance(t, dict) or set(t) != {"below", "credit"}:
            raise bad(f"credits[{i}]", "{below: percent, credit: percent}")
        tiers.append(Tier(pct(t["below"], f"credits[{i}].below"), pct(t["credit"], f"credits[{i}].credit")))
    if len({t.below for t in tiers}) != len(tiers):
        raise bad("credits", "tiers with different `below` thresholds")
    tiers.sort(key=lambda t: t.below)
    cap = raw.get("cap_percent")
    term = raw.get("termination")
    termination = None
    if term is not None:
        if not isinstance(term, dict) or set(term) != {"below", "months"}:
            raise bad("termination", "{below: percent, months: N}")
        months = term["months"]
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 12:
            raise bad("termination.months", "a whole number of months from 1 to 12")
        termination = Termination(pct(term["below"], "termination.below"), months)
    name_zh = raw.get("name", key)
    if not isinstance(name_zh, str):
        raise bad("name", "a text")
    return ClauseSet(key, name_zh, points, tuple(tiers), None if cap is None else pct(cap, "cap_percent"),
                     termination)


# -- the simulation -------------------------------------------------------------------------------------
def simulate(scored: ContractScore, sets: list[ClauseSet]) -> list[SetOutcome]:
    out = []
    for cs in sets:
        res = SetOutcome(cs)
        for c in scored.carriers:
            res.carriers.append(_carrier(cs, c, scored.months.get(c.carrier, {})))
        out.append(res)
    return out


def _carrier(cs: ClauseSet, c: Any, months: dict[int, float | None]) -> CarrierOutcome:
    fee: Decimal | None = c.fee
    triggered = []
    percent = c.payable_percent if cs.points else HUNDRED
    if cs.points and percent < HUNDRED:
        triggered.append("points")
    reduction = None if fee is None else (fee * (HUNDRED - percent) / HUNDRED).quantize(Q)
    credit_months = []
    for m in range(1, 13):
        a = months.get(m)
        tier = cs.credit_for(a)
        if tier is not None and a is not None:
            amount = None if fee is None else (fee / 12 * tier.credit / HUNDRED).quantize(Q)
            credit_months.append(MonthCredit(m, a, tier.credit, amount))
    if credit_months:
        triggered.append("credits")
    credits = None if fee is None else sum((x.amount or Decimal(0) for x in credit_months), Decimal(0))
    capped = False
    payable = payable_percent = None
    if fee is not None and reduction is not None and credits is not None:
        total = reduction + credits
        if cs.cap_percent is not None and total > (cap := (fee * cs.cap_percent / HUNDRED).quantize(Q)):
            total, capped = cap, True
            triggered.append("cap")
        total = min(total, fee)
        payable = (fee - total).quantize(Q)
        payable_percent = (payable / fee * HUNDRED).quantize(Decimal("0.0001")) if fee else None
    run = best = []
    if cs.termination is not None:
        run, best = [], []
        for m in range(1, 13):
            a = months.get(m)
            if a is not None and Decimal(str(round(a, 6))) < cs.termination.below:
                run = [*run, m]
                if len(run) > len(best):
                    best = run
            else:
                run = []
    terminated = cs.termination is not None and len(best) >= cs.termination.months
    if terminated:
        triggered.append("termination")
    return CarrierOutcome(c.carrier, c.carrier_name, c.score if cs.points else None, payable_percent, payable, fee,
                          reduction, credits, credit_months, capped, terminated, best if terminated else [],
                          triggered)
