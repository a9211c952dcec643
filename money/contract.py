"""The contract's 100-point scheme scored from the record: access-quality incidents are the measured outages
(money/outages.py) a carrier is charged with, their severity from duration and units cut off (the
``measured`` block of assessment_rules.yaml); availability below target comes from the availability ledger
(money/sla.py); security and O&M incidents stay typed rows. Without a record the typed incidents are scored
exactly as money/assessment.py does.

No double counting: a typed access incident attached to a counted measured outage is that one incident —
the record decides its severity and hours, the incident row is its evidence (and a recorded
``points_deducted`` still overrides the table, as for typed incidents). A typed access incident with no
counted measured outage is scored as typed.

Pure: the answers layer (answers/contract.py) hands in the rows, the money ledger and the record."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from inventory.errors import ExtranetError
from inventory.models import CHINA_TZ

from .assessment import (
    RULES_PATH,
    SEVERITIES,
    SEVERITY_ZH,
    ZERO,
    Assessment,
    CarrierAssessment,
    CategoryResult,
    Deduction,
    Rules,
    assess,
    availability_deduction,
    deduction_for,
    parse_rules,
)
from .ledger import Ledger as MoneyLedger
from .ledger import contract_fee
from .outages import Outage, TypedIncident
from .rows import IncidentRow, MoneyRows
from .sla import Ledger as SlaLedger
from .sla import month_starts

KINDS = ("circuit", "device", "room", "srlg")
BASES = ("measured", "strict")


@dataclass(frozen=True)
class SeverityStep:
    severity: str
    hours: Decimal
    units: int  # 0: units never decide this step


@dataclass(frozen=True)
class MeasuredRules:
    category: str = "access_quality"
    min_minutes: Decimal = Decimal(5)
    severity: tuple[SeverityStep, ...] = (SeverityStep("critical", Decimal(8), 10),
                                          SeverityStep("major", Decimal(2), 3), SeverityStep("minor", ZERO, 0))
    kinds: tuple[str, ...] = ("circuit", "srlg", "device")
    skip_causes: tuple[str, ...] = ("reboot",)
    availability_basis: str = "measured"

    def severity_of(self, hours: float, units: int) -> str | None:
        """The first step reached, from the most severe down (None: below every step)."""
        for step in self.severity:
            if hours >= float(step.hours) or (step.units and units >= step.units):
                return step.severity
        return None


@dataclass(frozen=True)
class ContractRules:
    rules: Rules
    measured: MeasuredRules


@dataclass(frozen=True)
class Record:
    """What the record says about one China-time year: the ledger, its outages and the typed incidents the
    outages were matched against (ids → rows)."""

    ledger: SlaLedger
    outages: list[Outage]
    incidents: list[TypedIncident] = field(default_factory=list)


@dataclass
class ContractDeduction(Deduction):
    source: str = "typed"  # measured | typed | measured+typed (a typed incident matching the outage)
    outage: str | None = None
    evidence: tuple[str, ...] = ()
    units: int = 0  # units cut off
    terminals: int = 0
    incident_ids: tuple[int, ...] = ()


@dataclass
class ContractScore:
    year: int
    source: str  # measured | typed
    assessment: Assessment
    contract: ContractRules
    months: dict[str, dict[int, float | None]]  # carrier → month → availability % (the basis's)
    uncounted: list[tuple[str, str]] = field(default_factory=list)  # (outage id, why it is no incident)

    @property
    def carriers(self) -> list[CarrierAssessment]:
        return self.assessment.carriers


# -- the rule table -------------------------------------------------------------------------------------
def load_contract_rules(path: str | Path | None = None) -> ContractRules:
    p = Path(path) if path else RULES_PATH
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtranetError(f"{p}: no such assessment rule file", code="bad_rules") from None
    except yaml.YAMLError as exc:
        raise ExtranetError(f"{p}: not valid YAML: {exc}".splitlines()[0], code="bad_rules") from None
    return parse_contract_rules(data, str(p))


def parse_contract_rules(data: Any, source: str = "<rules>") -> ContractRules:
    rules = parse_rules(data, source)
    return ContractRules(rules, parse_measured(data.get("measured"), rules, source))


def parse_measured(block: Any, rules: Rules, source: str = "<rules>") -> MeasuredRules:
    """The ``measured`` block; every problem names the file, the rule and the field."""
    def bad(where: str, expected: str) -> ExtranetError:
        return ExtranetError(f"{source}: rule 'measured', field 'measured.{where}': expected {expected}",
                             code="bad_rules")

    def num(v: Any, where: str) -> Decimal:
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            raise bad(where, "a non-negative number")
        try:
            d = Decimal(str(v))
        except ArithmeticError:
            raise bad(where, "a non-negative number") from None
        if not d.is_finite() or d < 0:
            raise bad(where, "a non-negative number")
        return d

    if block is None:
        out = MeasuredRules()
    elif not isinstance(block, dict):
        raise bad("(top)", "a mapping with category, min_minutes, severity, kinds, skip_causes, availability_basis")
    else:
        known = {"category", "min_minutes", "severity", "kinds", "skip_causes", "availability_basis"}
        if set(block) - known:
            raise bad(sorted(set(block) - known)[0], f"one of {', '.join(sorted(known))}")
        d = MeasuredRules()
        cat = str(block.get("category", d.category))
        sev = block.get("severity")
        steps = d.severity
        if sev is not None:
            if not isinstance(sev, dict) or not sev or set(sev) - set(SEVERITIES):
                raise bad("severity", f"a mapping of severity ({', '.join(SEVERITIES)}) → {{hours, units}}")
            parsed = []
            for s in reversed(SEVERITIES):  # critical first
                if s not in sev:
                    continue
                step = sev[s]
                if not isinstance(step, dict) or "hours" not in step or set(step) - {"hours", "units"}:
                    raise bad(f"severity.{s}", "a mapping with hours and optionally units")
                units = num(step.get("units", 0), f"severity.{s}.units")
                if units != units.to_integral():
                    raise bad(f"severity.{s}.units", "a whole number of units")
                parsed.append(SeverityStep(s, num(step["hours"], f"severity.{s}.hours"), int(units)))
            steps = tuple(parsed)
        kinds = block.get("kinds", list(d.kinds))
        if not isinstance(kinds, list) or any(k not in KINDS for k in kinds):
            raise bad("kinds", f"a list of {', '.join(KINDS)}")
        skips = block.get("skip_causes", list(d.skip_causes))
        if not isinstance(skips, list) or not all(isinstance(x, str) for x in skips):
            raise bad("skip_causes", "a list of causes (reboot, all circuits down)")
        basis = block.get("availability_basis", d.availability_basis)
        if basis not in BASES:
            raise bad("availability_basis", " or ".join(BASES))
        out = MeasuredRules(cat, num(block.get("min_minutes", d.min_minutes), "min_minutes"), steps,
                            tuple(kinds), tuple(skips), basis)
    rule = rules.categories.get(out.category)
    if rule is None:
        raise bad("category", f"a category of the table ({', '.join(rules.categories)})")
    for step in out.severity:
        if step.severity not in rule.per_incident:
            raise bad(f"severity.{step.severity}", f"a severity with points in categories.{out.category}.per_incident")
    return out


# -- scoring --------------------------------------------------------------------------------------------
def china_year(t: dt.datetime) -> int:
    return t.astimezone(CHINA_TZ).year


def outage_hours(o: Outage, ledger: SlaLedger) -> float:
    """Its duration; an outage still open runs to the end of what the ledger covers for its circuits."""
    if o.end is not None:
        return (o.end - o.start).total_seconds() / 3600
    ends = [ledger.circuits[c].intervals[-1].end for c in o.circuits if c in ledger.circuits]
    return max(0.0, (max(ends) - o.start).total_seconds() / 3600) if ends else 0.0


def _cut(o: Outage) -> tuple[int, int]:
    cut = [u for u in o.units if u.cut_s > 0]
    return len(cut), sum(u.terminals for u in cut)


def _key(carrier: str, circuit: str | None, start: dt.datetime) -> tuple[str, str | None, dt.datetime]:
    return (carrier, circuit, start.astimezone(dt.UTC).replace(microsecond=0))


def measured_deductions(carrier: str, year: int, record: Record, contract: ContractRules,
                        typed_rows: list[IncidentRow]) -> tuple[list[ContractDeduction], set[int],
                                                                list[tuple[str, str]]]:
    """The carrier's access-quality deductions from the year's measured outages, the ids of the typed
    incidents they absorbed, and the outages that are no incident (with why)."""
    m = contract.measured
    rule = contract.rules.categories[m.category]
    by_id = {i.id: i for i in record.incidents}
    rows_by_key = {_key(r.carrier, r.circuit, r.started_at): r for r in typed_rows}
    out: list[ContractDeduction] = []
    absorbed: set[int] = set()
    skipped: list[tuple[str, str]] = []
    for o in record.outages:
        if not o.measured or carrier not in o.carriers or china_year(o.start) != year:
            continue
        if o.failed_kind not in m.kinds:
            skipped.append((o.id, f"{o.failed_kind} 故障不计入运营商"))
            continue
        if o.cause in m.skip_causes:
            skipped.append((o.id, f"原因 {o.cause} 不计入运营商"))
            continue
        hours = outage_hours(o, record.ledger)
        if hours * 60 < float(m.min_minutes):
            skipped.append((o.id, f"{hours * 60:.1f} 分钟 < {m.min_minutes} 分钟"))
            continue
        units, terminals = _cut(o)
        severity = m.severity_of(hours, units)
        if severity is None:
            skipped.append((o.id, "未达任何严重程度"))
            continue
        mine = [by_id[i] for i in o.incident_ids if i in by_id and by_id[i].category == m.category]
        absorbed |= {i.id for i in mine}
        override = next((r.points_deducted for i in mine
                         if (r := rows_by_key.get(_key(i.carrier, i.circuit, i.start))) is not None
                         and r.points_deducted is not None), None)
        started = o.start.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        what = f"{o.failed}（{hours:.2f} 小时，断开 {units} 个单位）"
        if override is not None:
            points, why = override, f"{what}：按记录扣分"
        else:
            points = rule.per_incident[severity]
            why = f"{what}：{rule.name}{SEVERITY_ZH[severity]}事件 {points} 分"
            if rule.grace_hours is not None and hours > float(rule.grace_hours):
                extra = math.floor(hours - float(rule.grace_hours))
                if extra:
                    points += rule.per_hour * extra
                    why += f" + 超时 {extra} 小时 × {rule.per_hour} 分"
        circuit = o.circuits[0] if len(o.circuits) == 1 else None
        out.append(ContractDeduction(carrier, rule.code, severity, circuit, started, round(hours, 4), points, why,
                                     source="measured+typed" if mine else "measured", outage=o.id,
                                     evidence=o.evidence, units=units, terminals=terminals,
                                     incident_ids=tuple(i.id for i in mine)))
    return out, absorbed, skipped


def _typed_id(row: IncidentRow, record: Record) -> int | None:
    k = _key(row.carrier, row.circuit, row.started_at)
    return next((i.id for i in record.incidents if _key(i.carrier, i.circuit, i.start) == k), None)


def score(rows: MoneyRows, money_ledger: MoneyLedger, year: int, contract: ContractRules | None = None,
          record: Record | None = None) -> ContractScore:
    """Every carrier's score for ``year``: from the record when one is given, else from typed incidents
    (money/assessment.py's result, unchanged)."""
    contract = contract or load_contract_rules()
    rules = contract.rules
    if record is None:
        a = assess(rows, money_ledger, year, rules)
        return ContractScore(year, "typed", a, contract, {c.carrier: typed_months(rows, c.carrier, year)
                                                           for c in a.carriers})
    result = Assessment(year, rules=rules)
    paid = money_ledger.service_year_fees(year)
    months: dict[str, dict[int, float | None]] = {}
    uncounted: list[tuple[str, str]] = []
    strict = contract.measured.availability_basis == "strict"
    for code in sorted(rows.carriers, key=lambda c: (rows.carriers[c].role != "primary", c)):
        typed = [i for i in rows.incidents if i.carrier == code and china_year(i.started_at) == year]
        measured, absorbed, skipped = measured_deductions(code, year, record, contract, typed)
        uncounted += skipped
        deductions: list[Deduction] = list(measured)
        for inc in typed:
            if inc.category == contract.measured.category and _typed_id(inc, record) in absorbed:
                continue
            d = deduction_for(inc, rules)
            deductions.append(ContractDeduction(d.carrier, d.category, d.severity, d.circuit, d.started_at, d.hours,
                                                d.points, d.why, source="typed"))
        line = record.ledger.carriers.get(code)
        avail = None
        if line is not None:
            avail = line.year.availability if strict else line.year.measured_availability
            months[code] = {m: (s.availability if strict else s.measured_availability)
                            for m, s in line.months.items()}
        else:
            months[code] = dict.fromkeys(range(1, 13))
        for rule in rules.categories.values():
            d = availability_deduction(code, rule, avail, year)
            if d is not None:
                deductions.append(ContractDeduction(d.carrier, d.category, d.severity, d.circuit, d.started_at,
                                                    d.hours, d.points, d.why, source="measured",
                                                    evidence=(f"sla:carrier:{code}:{year}",)))
        result.carriers.append(_carrier(rows, code, year, rules, deductions, paid, avail))
    return ContractScore(year, "measured", result, contract, months, uncounted)


def _carrier(rows: MoneyRows, code: str, year: int, rules: Rules, deductions: list[Deduction],
             paid: dict[str, Decimal], avail: float | None) -> CarrierAssessment:
    cats = []
    for rule in rules.categories.values():
        mine = [d for d in deductions if d.category == rule.code]
        raw = sum((d.points for d in mine), ZERO)
        cats.append(CategoryResult(rule.code, rule.name, len(mine), raw, min(raw, rule.cap), rule.cap))
    score_ = max(ZERO, rules.base - sum((c.deducted for c in cats), ZERO))
    percent = rules.payable_percent(score_)
    fee = contract_fee(rows, code, year)
    basis = "contract"
    if fee is None and paid.get(code):
        fee, basis = paid[code], "paid"
    elif fee is None:
        basis = "none"
    payable = None if fee is None else (fee * percent / 100).quantize(Decimal("0.000001"))
    return CarrierAssessment(code, rows.carrier_name(code), year, cats, deductions, score_, percent, fee, payable,
                             paid.get(code, ZERO), basis, avail)


def typed_months(rows: MoneyRows, carrier: str, year: int) -> dict[int, float | None]:
    """Monthly availability from typed incidents, as money.rows.measured_availability does for the year:
    1 − incident hours on the carrier's circuits ÷ (circuits in service × hours in the month)."""
    n = sum(1 for c in rows.circuits if c.carrier == carrier and c.in_service(year))
    bounds = month_starts(year)
    out: dict[int, float | None] = {}
    for m in range(1, 13):
        lo, hi = bounds[m - 1], bounds[m]
        if not n:
            out[m] = None
            continue
        down = 0.0
        for i in rows.incidents:
            if i.carrier == carrier and i.circuit:
                end = i.ended_at or hi
                down += max(0.0, (min(end, hi) - max(i.started_at, lo)).total_seconds())
        out[m] = 100 * (1 - down / (n * (hi - lo).total_seconds()))
    return out
