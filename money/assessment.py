"""The contract's 100-point assessment (百分百考核制) per carrier and year, from recorded incidents and
an editable rule table (``assessment_rules.yaml``, documented in place and in docs/money.md).

score = base − Σ per category min(cap, Σ per incident (points by severity + points per full hour
beyond the grace period)); an incident's ``points_deducted`` overrides the table. The payable
percentage comes from the first payment band the score reaches; the payable amount is that share of
the year's fee (the contract's annual fee in force, else what was paid for the service year).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from inventory.errors import ExtranetError
from inventory.models import CHINA_TZ

from .ledger import Ledger, contract_fee
from .rows import IncidentRow, MoneyRows, measured_availability

RULES_PATH = Path(__file__).with_name("assessment_rules.yaml")
SEVERITIES = ("minor", "major", "critical")
SEVERITY_ZH = {"minor": "一般", "major": "较大", "critical": "重大", "availability": "可用率"}
ZERO = Decimal(0)


@dataclass(frozen=True)
class CategoryRule:
    code: str
    name: str
    cap: Decimal
    per_incident: dict[str, Decimal]
    grace_hours: Decimal | None = None
    per_hour: Decimal = ZERO
    availability_target: Decimal | None = None  # percent; measured availability below it costs points
    per_tenth_below: Decimal = ZERO  # points per started 0.1 percentage point below the target


@dataclass(frozen=True)
class Band:
    min_score: Decimal
    payable: str | Decimal  # "score" or a fixed percentage


@dataclass(frozen=True)
class Rules:
    base: Decimal
    categories: dict[str, CategoryRule]
    bands: list[Band]
    source: str = ""

    def payable_percent(self, score: Decimal) -> Decimal:
        for band in self.bands:
            if score >= band.min_score:
                return score if band.payable == "score" else Decimal(band.payable)
        return ZERO


@dataclass
class Deduction:
    carrier: str
    category: str
    severity: str
    circuit: str | None
    started_at: str  # China time, for display
    hours: float | None
    points: Decimal
    why: str


@dataclass
class CategoryResult:
    code: str
    name: str
    incidents: int
    raw: Decimal
    deducted: Decimal  # after the cap
    cap: Decimal


@dataclass
class CarrierAssessment:
    carrier: str
    carrier_name: str
    year: int
    categories: list[CategoryResult]
    deductions: list[Deduction]
    score: Decimal
    payable_percent: Decimal
    fee: Decimal | None
    payable: Decimal | None
    paid: Decimal
    fee_basis: str  # contract | paid | none
    availability: float | None = None  # measured, percent

    @property
    def overpaid(self) -> Decimal | None:
        """Paid for the service year beyond what the score earns (negative: still owed)."""
        return None if self.payable is None else self.paid - self.payable


@dataclass
class Assessment:
    year: int
    carriers: list[CarrierAssessment] = field(default_factory=list)
    rules: Rules | None = None


def load_rules(path: str | Path | None = None) -> Rules:
    """Read and check a rule table; every problem names the file and the field."""
    p = Path(path) if path else RULES_PATH
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtranetError(f"{p}: no such assessment rule file", code="bad_rules") from None
    except yaml.YAMLError as exc:
        raise ExtranetError(f"{p}: not valid YAML: {exc}".splitlines()[0], code="bad_rules") from None
    return parse_rules(data, str(p))


def parse_rules(data: Any, source: str = "<rules>") -> Rules:
    def bad(where: str, expected: str) -> ExtranetError:
        return ExtranetError(f"{source}: field '{where}': expected {expected}", code="bad_rules")

    def num(value: Any, where: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise bad(where, "a number")
        try:
            d = Decimal(str(value))
        except ArithmeticError:
            raise bad(where, "a number") from None
        if not d.is_finite() or d < 0:
            raise bad(where, "a non-negative number")
        return d

    if not isinstance(data, dict):
        raise bad("(top)", "a mapping with base_points, categories, payment")
    base = num(data.get("base_points", 100), "base_points")
    cats = data.get("categories")
    if not isinstance(cats, dict) or not cats:
        raise bad("categories", "a mapping of category code → rule (access_quality, security, operations)")
    categories = {}
    for code, rule in cats.items():
        where = f"categories.{code}"
        if not isinstance(rule, dict):
            raise bad(where, "a mapping with name, cap, per_incident")
        per = rule.get("per_incident")
        if not isinstance(per, dict) or set(per) - set(SEVERITIES) or not per:
            raise bad(f"{where}.per_incident", f"a mapping of severity ({', '.join(SEVERITIES)}) → points")
        hourly = rule.get("per_hour")
        grace, per_hour = None, ZERO
        if hourly is not None:
            if not isinstance(hourly, dict) or set(hourly) != {"grace_hours", "points"}:
                raise bad(f"{where}.per_hour", "a mapping with grace_hours and points")
            grace = num(hourly["grace_hours"], f"{where}.per_hour.grace_hours")
            per_hour = num(hourly["points"], f"{where}.per_hour.points")
        avail = rule.get("availability")
        target, per_tenth = None, ZERO
        if avail is not None:
            if not isinstance(avail, dict) or set(avail) != {"target", "points_per_0_1"}:
                raise bad(f"{where}.availability", "a mapping with target (percent) and points_per_0_1")
            target = num(avail["target"], f"{where}.availability.target")
            per_tenth = num(avail["points_per_0_1"], f"{where}.availability.points_per_0_1")
            if target > 100:
                raise bad(f"{where}.availability.target", "a percentage up to 100")
        categories[str(code)] = CategoryRule(
            str(code), str(rule.get("name", code)), num(rule.get("cap", base), f"{where}.cap"),
            {s: num(v, f"{where}.per_incident.{s}") for s, v in per.items()}, grace, per_hour, target, per_tenth)
    bands_raw = (data.get("payment") or {}).get("bands") if isinstance(data.get("payment"), dict) else None
    if not isinstance(bands_raw, list) or not bands_raw:
        raise bad("payment.bands", "a list of {min_score, payable} (payable: score or a percentage)")
    bands = []
    for i, b in enumerate(bands_raw):
        if not isinstance(b, dict) or "min_score" not in b or "payable" not in b:
            raise bad(f"payment.bands[{i}]", "{min_score: N, payable: score | N}")
        pay = b["payable"]
        bands.append(Band(num(b["min_score"], f"payment.bands[{i}].min_score"),
                          "score" if pay == "score" else num(pay, f"payment.bands[{i}].payable")))
    bands.sort(key=lambda b: b.min_score, reverse=True)
    return Rules(base, categories, bands, source)


def deduction_for(incident: IncidentRow, rules: Rules) -> Deduction:
    rule = rules.categories.get(incident.category)
    if rule is None:
        raise ExtranetError(f"incident on {incident.circuit or incident.carrier} at {incident.started_at:%Y-%m-%d}: "
                            f"category {incident.category!r} has no rule; expected one of: "
                            f"{', '.join(rules.categories)}", code="bad_rules")
    hours = incident.hours
    started = incident.started_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
    if incident.points_deducted is not None:
        return Deduction(incident.carrier, rule.code, incident.severity, incident.circuit, started, hours,
                         incident.points_deducted, "按记录扣分")
    if incident.severity not in rule.per_incident:
        raise ExtranetError(f"incident on {incident.circuit or incident.carrier} at {started}: severity "
                            f"{incident.severity!r} has no points in category {rule.code}; expected one of: "
                            f"{', '.join(rule.per_incident)}", code="bad_rules")
    points = rule.per_incident[incident.severity]
    why = f"{rule.name}{SEVERITY_ZH.get(incident.severity, incident.severity)}事件 {points} 分"
    if rule.grace_hours is not None and hours is not None and hours > rule.grace_hours:
        extra_hours = math.floor(hours - float(rule.grace_hours))
        if extra_hours:
            points += rule.per_hour * extra_hours
            why += f" + 超时 {extra_hours} 小时 × {rule.per_hour} 分"
    return Deduction(incident.carrier, rule.code, incident.severity, incident.circuit, started, hours, points, why)


def assess(rows: MoneyRows, ledger: Ledger, year: int, rules: Rules | None = None) -> Assessment:
    """Every carrier's score for ``year`` and what share of the fee it earns."""
    rules = rules or load_rules()
    result = Assessment(year, rules=rules)
    paid = ledger.service_year_fees(year)
    for code in sorted(rows.carriers, key=lambda c: (rows.carriers[c].role != "primary", c)):
        incidents = [i for i in rows.incidents
                     if i.carrier == code and i.started_at.astimezone(CHINA_TZ).year == year]
        deductions = [deduction_for(i, rules) for i in incidents]
        measured = measured_availability(rows, code, year)
        for rule in rules.categories.values():
            d = availability_deduction(code, rule, measured, year)
            if d is not None:
                deductions.append(d)
        cats = []
        for rule in rules.categories.values():
            mine = [d for d in deductions if d.category == rule.code]
            raw = sum((d.points for d in mine), ZERO)
            cats.append(CategoryResult(rule.code, rule.name, len(mine), raw, min(raw, rule.cap), rule.cap))
        score = max(ZERO, rules.base - sum((c.deducted for c in cats), ZERO))
        percent = rules.payable_percent(score)
        fee = contract_fee(rows, code, year)
        basis = "contract"
        if fee is None and paid.get(code):
            fee, basis = paid[code], "paid"
        elif fee is None:
            basis = "none"
        payable = None if fee is None else (fee * percent / 100).quantize(Decimal("0.000001"))
        result.carriers.append(CarrierAssessment(code, rows.carrier_name(code), year, cats, deductions, score,
                                                 percent, fee, payable, paid.get(code, ZERO), basis, measured))
    return result


def availability_deduction(carrier: str, rule: CategoryRule, measured: float | None, year: int) -> Deduction | None:
    """Points for measured availability below the rule's target: ``points_per_0_1`` for every started
    0.1 percentage point short."""
    if rule.availability_target is None or measured is None:
        return None
    short = rule.availability_target - Decimal(str(round(measured, 6)))
    if short <= 0:
        return None
    tenths = math.ceil(short / Decimal("0.1"))
    points = rule.per_tenth_below * tenths
    return Deduction(carrier, rule.code, "availability", None, f"{year}", None, points,
                     f"实测可用率 {measured:.3f}% 低于 {rule.availability_target}%："
                     f"{tenths} × {rule.per_tenth_below} 分")
