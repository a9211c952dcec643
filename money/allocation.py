"""Cost per unit and per terminal: a carrier's fee for a service year spread over the units it serves.

Two steps, both exact to the fen (largest remainder, ``split.py``), so the per-unit costs of a year
always add up to the year's fees:

1. **Fee → circuits.** The carrier's fee for the year goes to its circuits in service that year
   (installed by 31 Dec, not ended before 1 Jan, not decommissioned), weighted by the rule:
   - ``circuits``  (default) every circuit the same: "by circuits a unit uses";
   - ``tariff``    the register's per-circuit annual cost (``circuit.cost``), equal when unknown;
   - ``bandwidth`` the circuit's bandwidth in Mb/s;
   - ``terminals`` the terminals of the units the circuit serves, each unit counted once per carrier
     (a unit served by k circuits of the carrier gives each of them terminals/k), so a unit's share of
     the carrier's fee is exactly its share of the terminals the carrier serves.
2. **Circuit → units.** A unit's access circuit (one end at the unit) goes wholly to that unit. A
   shared circuit is split across the units it serves: a room backbone (room ↔ core room) serves the
   units whose access circuits of the same carrier land in that room (any carrier if none, every unit
   if still none); an uplink (core ↔ provincial extranet) serves every unit with an access circuit of
   that carrier (every unit if none). The split among the served units is equal under ``circuits`` and
   ``tariff``, by the units' access bandwidth on that carrier under ``bandwidth`` and by terminals/k
   under ``terminals``. Under ``tariff`` a circuit with no register cost gets nothing (equal shares
   only when no circuit of the carrier has one).

A carrier with a fee but no circuit in service that year (nothing to hang it on) is spread over every
unit by terminals and reported in ``unplaced``. Cost roles: ``primary`` / ``backup`` (a unit's own
access circuits, by their role), ``backbone`` (room to core) and ``uplink`` (to the province).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from inventory.errors import ExtranetError

from .ledger import Ledger, contract_fee
from .rows import CircuitRow, MoneyRows
from .split import from_fen, split_fen, to_fen

RULES = {
    "circuits": "按线路数：每条在用线路等额分摊，共享线路在其服务单位间等额分摊",
    "tariff": "按线路资费：按台账中各线路年费分摊，共享线路在其服务单位间等额分摊",
    "bandwidth": "按带宽：按线路带宽分摊，共享线路按各单位接入带宽分摊",
    "terminals": "按终端：按线路所服务单位的终端数分摊，共享线路按终端数分摊",
}
ROLE_ZH = {"primary": "主用接入", "backup": "备用接入", "backbone": "机房骨干", "uplink": "省级上联"}
ZERO = Decimal(0)


@dataclass
class UnitCost:
    unit: str
    name: str
    group: str
    terminals: int
    by_carrier: dict[str, Decimal] = field(default_factory=dict)
    by_role: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (carrier, cost role) → amount

    @property
    def total(self) -> Decimal:
        return sum(self.by_carrier.values(), ZERO)

    @property
    def per_terminal(self) -> Decimal | None:
        return (self.total / self.terminals).quantize(Decimal("0.000001")) if self.terminals else None


@dataclass
class Allocation:
    year: int
    rule: str
    fees: dict[str, Decimal]
    units: list[UnitCost]
    circuits: dict[str, Decimal]  # cid → its share of the fee
    unplaced: dict[str, Decimal]  # carrier → fee with no circuit in service (spread by terminals)

    @property
    def total(self) -> Decimal:
        return sum(self.fees.values(), ZERO)

    @property
    def terminals(self) -> int:
        return sum(u.terminals for u in self.units)

    def per_terminal(self, carrier: str | None = None) -> Decimal | None:
        """Terminals-weighted cost per terminal (万元): the fee over the terminals it serves."""
        if carrier is None:
            amount, n = self.total, self.terminals
        else:
            served = [u for u in self.units if u.by_carrier.get(carrier)]
            amount, n = self.fees.get(carrier, ZERO), sum(u.terminals for u in served)
        return (amount / n).quantize(Decimal("0.000001")) if n else None

    def per_unit(self, carrier: str | None = None) -> Decimal | None:
        """Average cost per unit: over the units the carrier serves, or over every unit for the network."""
        served = [u for u in self.units if u.by_carrier.get(carrier)] if carrier else self.units
        amount = self.fees.get(carrier, ZERO) if carrier else self.total
        return (amount / len(served)).quantize(Decimal("0.000001")) if served else None

    def by_carrier_role(self) -> dict[tuple[str, str], Decimal]:
        out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for u in self.units:
            for k, v in u.by_role.items():
                out[k] += v
        return dict(sorted(out.items()))


def fees_for(rows: MoneyRows, ledger: Ledger, year: int, basis: str = "paid") -> dict[str, Decimal]:
    """The fees to allocate for service year ``year``: what was paid for it (``paid``, the accrual
    view) or what the contracts say it costs (``contract``: the annual fee in force, else paid)."""
    paid = ledger.service_year_fees(year)
    if basis == "paid":
        return {c: v for c, v in paid.items()}
    if basis != "contract":
        raise ExtranetError(f"unknown fee basis {basis!r}; expected paid or contract", code="bad_rule")
    out = {}
    for carrier in sorted(set(paid) | {c.carrier for c in rows.contracts}):
        fee = contract_fee(rows, carrier, year)
        out[carrier] = fee if fee is not None else paid.get(carrier, ZERO)
    return out


def allocate(rows: MoneyRows, year: int, fees: dict[str, Decimal], rule: str = "circuits") -> Allocation:
    """Spread ``fees`` (carrier → 万元 for service year ``year``) over the units; see the module doc."""
    if rule not in RULES:
        raise ExtranetError(f"unknown allocation rule {rule!r}; expected one of: {', '.join(RULES)}",
                            code="bad_rule")
    units = rows.units
    costs = {code: UnitCost(code, u.name, u.group, u.terminals) for code, u in units.items()}
    fen: dict[tuple[str, str, str], int] = defaultdict(int)  # (unit, carrier, role) → fen
    circuit_share: dict[str, Decimal] = {}
    unplaced: dict[str, Decimal] = {}
    in_service = [c for c in rows.circuits if c.carrier and c.in_service(year)]
    access = _Access(rows, in_service)
    for carrier, fee in sorted(fees.items()):
        total = to_fen(fee)
        if total == 0:
            continue
        mine = [c for c in in_service if c.carrier == carrier]
        served = {c.cid: _served(rows, access, c) for c in mine}
        served = {cid: us for cid, us in served.items() if us}
        mine = [c for c in mine if c.cid in served]
        if not mine:
            unplaced[carrier] = fee
            codes = sorted(units)
            for code, part in zip(codes, split_fen(total, [units[u].terminals for u in codes]), strict=True):
                fen[(code, carrier, "unplaced")] += part
            continue
        k = defaultdict(int)  # unit → circuits of this carrier serving it
        for us in served.values():
            for u in us:
                k[u] += 1
        unit_w = {c.cid: [_unit_weight(rows, access, u, c, rule, k[u]) for u in served[c.cid]] for c in mine}
        weights = [_circuit_weight(c, unit_w[c.cid], rule) for c in mine]
        for c, part in zip(mine, split_fen(total, weights), strict=True):
            circuit_share[c.cid] = from_fen(part)
            us = served[c.cid]
            role = _cost_role(c)
            for u, unit_part in zip(us, split_fen(part, unit_w[c.cid]), strict=True):
                fen[(u, carrier, role)] += unit_part
    for (u, carrier, role), part in fen.items():
        uc = costs[u]
        uc.by_carrier[carrier] = uc.by_carrier.get(carrier, ZERO) + from_fen(part)
        uc.by_role[(carrier, role)] = uc.by_role.get((carrier, role), ZERO) + from_fen(part)
    return Allocation(year, rule, {k: v for k, v in sorted(fees.items())}, list(costs.values()), circuit_share,
                      unplaced)


def _cost_role(c: CircuitRow) -> str:
    if c.unit:
        return "backup" if c.role == "backup" else "primary"
    if c.a_external or c.z_external:
        return "uplink"
    return "backbone"


class _Access:
    """The in-service circuits indexed once per allocation: scanning them for every circuit and unit
    is quadratic, seconds at province scale (3,000 circuits, 1,000 units)."""

    def __init__(self, rows: MoneyRows, in_service: list[CircuitRow]):
        self.units_by_carrier: dict[str | None, set[str]] = defaultdict(set)
        self.by_room: dict[str, list[tuple[str, str | None]]] = defaultdict(list)  # room → (unit, carrier)
        self.bandwidth: dict[tuple[str, str | None], int] = defaultdict(int)  # (unit, carrier) → Mb/s
        for x in in_service:
            if x.unit is None:
                continue
            self.bandwidth[(x.unit, x.carrier)] += x.bandwidth_mbps
            if x.unit in rows.units:
                self.units_by_carrier[x.carrier].add(x.unit)
                for r in x.rooms:
                    self.by_room[r].append((x.unit, x.carrier))


def _served(rows: MoneyRows, access: _Access, c: CircuitRow) -> list[str]:
    """Units a circuit serves (see the module doc), sorted."""
    if c.unit:
        return [c.unit] if c.unit in rows.units else []
    if c.a_external or c.z_external:
        return sorted(access.units_by_carrier.get(c.carrier, ())) or sorted(rows.units)
    far = [r for r in c.rooms if r not in rows.core_rooms]
    landing = [(u, carrier) for r in set(far) for u, carrier in access.by_room.get(r, ())]
    same = sorted({u for u, carrier in landing if carrier == c.carrier})
    anyc = sorted({u for u, _ in landing})
    return same or anyc or sorted(rows.units)


def _circuit_weight(c: CircuitRow, unit_weights: list[Fraction], rule: str) -> Decimal | Fraction | int:
    if rule == "circuits":
        return 1
    if rule == "tariff":
        return c.cost if c.cost is not None else 0
    if rule == "bandwidth":
        return c.bandwidth_mbps
    return sum(unit_weights, Fraction(0))


def _unit_weight(rows: MoneyRows, access: _Access, unit: str, c: CircuitRow, rule: str,
                 k: int) -> Fraction:
    if rule in ("circuits", "tariff"):
        return Fraction(1)
    if rule == "terminals":
        return Fraction(rows.units[unit].terminals, k)
    return Fraction(access.bandwidth.get((unit, c.carrier), 0))
