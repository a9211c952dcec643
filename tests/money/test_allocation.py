"""Per-unit costs add up to the year's service-year fees under every rule; shared circuits are shared."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from inventory.errors import ExtranetError
from money.allocation import RULES, allocate, fees_for
from money.rows import CircuitRow, MoneyRows, UnitRow
from money.split import split_fen


@pytest.mark.parametrize("rule", list(RULES))
@pytest.mark.parametrize("basis", ["paid", "contract"])
def test_unit_costs_sum_to_the_service_year_fees(rows, ledger, rule, basis) -> None:
    for year in (2019, 2020, 2021, 2022):
        fees = fees_for(rows, ledger, year, basis)
        a = allocate(rows, year, fees, rule)
        assert sum(u.total for u in a.units) == sum(fees.values()), (year, rule)
        for carrier, fee in fees.items():
            assert sum(u.by_carrier.get(carrier, 0) for u in a.units) == fee
            assert sum(v for (c, _), v in a.by_carrier_role().items() if c == carrier) == fee
            if fee:
                assert sum(v for cid, v in a.circuits.items() if cid.startswith("LT-" if carrier == "unicom"
                                                                                 else "DX-")) == fee
        assert a.unplaced == {}


def test_paid_basis_is_the_accrual_view(rows, ledger) -> None:
    assert fees_for(rows, ledger, 2021) == {"unicom": D("148.00"), "telecom": D("8.88")}
    assert fees_for(rows, ledger, 2019) == {"unicom": D("175.00"), "telecom": D("9.90")}
    # Unicom's 2022 fee was not paid within the period; the contract basis prices it at the annual fee.
    assert fees_for(rows, ledger, 2022)["unicom"] == 0
    assert fees_for(rows, ledger, 2022, "contract") == {"unicom": D("148.00"), "telecom": D("8.88")}


def test_terminals_weighted_cost_per_terminal(rows, ledger) -> None:
    a = allocate(rows, 2021, fees_for(rows, ledger, 2021), "terminals")
    terminals = sum(u.terminals for u in rows.units.values())
    assert a.terminals == terminals > 10_000
    assert a.per_terminal() == (D("156.88") / terminals).quantize(D("0.000001"))
    # Under the terminals rule each unit's Unicom share is its share of terminals (to the fen).
    for u in a.units:
        assert abs(u.by_carrier["unicom"] - D("148.00") * u.terminals / terminals) <= D("0.000002") * 4
    # Telecom serves only the units with a Telecom circuit, so its per-terminal cost is over those.
    telecom_units = {c.unit for c in rows.circuits if c.carrier == "telecom" and c.unit}
    served = sum(rows.units[u].terminals for u in telecom_units)
    assert a.per_terminal("telecom") == (D("8.88") / served).quantize(D("0.000001"))
    assert {u.unit for u in a.units if u.by_carrier.get("telecom")} == telecom_units


def test_unknown_rule_is_a_clear_error(rows) -> None:
    with pytest.raises(ExtranetError, match="expected one of: circuits, tariff, bandwidth, terminals"):
        allocate(rows, 2021, {"unicom": D(1)}, "by-magic")


def _c(cid, carrier, role, bw, a_unit=None, a_room=None, z_room=None, z_external=None, cost=None,
       installed=dt.date(2015, 1, 1)):  # type: ignore[no-untyped-def]
    return CircuitRow(cid, carrier, role, bw, a_room, a_unit, None, z_room, None, z_external, cost, installed, None)


@pytest.fixture
def tiny() -> MoneyRows:
    """Two rooms (core C, room R); units A and B in room R, unit X directly on the core.
    Unicom: three access circuits, one backbone R-C, one uplink. Telecom: A's backup only."""
    return MoneyRows(
        units={"A": UnitRow("A", "甲", 100), "B": UnitRow("B", "乙", 300), "X": UnitRow("X", "丙", 600)},
        core_rooms=["C"],
        circuits=[
            _c("LT-A", "unicom", "primary", 100, a_unit="A", z_room="R", cost=D("10")),
            _c("LT-B", "unicom", "primary", 100, a_unit="B", z_room="R", cost=D("10")),
            _c("LT-X", "unicom", "primary", 200, a_unit="X", z_room="C", cost=D("20")),
            _c("LT-BB", "unicom", "primary", 1000, a_room="R", z_room="C", cost=D("40")),
            _c("LT-UP", "unicom", "uplink", 600, a_room="C", z_external="省", cost=D("20")),
            _c("DX-A", "telecom", "backup", 50, a_unit="A", z_room="R"),
            _c("LT-NEW", "unicom", "primary", 100, a_unit="B", z_room="R", installed=dt.date(2022, 3, 1)),
        ])


def test_hand_computed_circuits_rule(tiny) -> None:
    a = allocate(tiny, 2021, {"unicom": D("100"), "telecom": D("6")}, "circuits")
    # 5 Unicom circuits in service in 2021 (LT-NEW starts in 2022): 20 each. The backbone serves A and B
    # (their Unicom lands in R), the uplink serves all three.
    assert a.circuits == {"LT-A": D(20), "LT-B": D(20), "LT-X": D(20), "LT-BB": D(20), "LT-UP": D(20), "DX-A": D(6)}
    cost = {u.unit: u for u in a.units}
    third = D("6.666667")  # 20/3 to the fen, remainder to the first
    assert cost["A"].by_role[("unicom", "primary")] == 20
    assert cost["A"].by_role[("unicom", "backbone")] == 10
    assert cost["A"].by_role[("unicom", "uplink")] == third
    assert cost["A"].by_role[("telecom", "backup")] == 6
    assert cost["X"].by_carrier == {"unicom": D(20) + D("6.666666")}
    assert cost["X"].per_terminal == ((D(20) + D("6.666666")) / 600).quantize(D("0.000001"))
    assert sum(u.total for u in a.units) == D(106)


def test_hand_computed_tariff_and_bandwidth_rules(tiny) -> None:
    t = allocate(tiny, 2021, {"unicom": D("100")}, "tariff")
    assert t.circuits == {"LT-A": D(10), "LT-B": D(10), "LT-X": D(20), "LT-BB": D(40), "LT-UP": D(20)}
    b = allocate(tiny, 2021, {"unicom": D("100")}, "bandwidth")
    # 100+100+200+1000+600 = 2000 Mb/s; the backbone splits by A's and B's Unicom access bandwidth (1:1).
    assert b.circuits["LT-BB"] == D(50) and b.circuits["LT-UP"] == D(30)
    cost = {u.unit: u for u in b.units}
    assert cost["A"].by_role[("unicom", "backbone")] == D(25)
    # the uplink splits 100:100:200 by the units' Unicom access bandwidth
    assert cost["X"].by_role[("unicom", "uplink")] == D(15)


def test_fee_without_circuits_is_still_allocated(tiny) -> None:
    a = allocate(tiny, 2010, {"unicom": D("10")}, "circuits")  # nothing installed yet in 2010
    assert a.unplaced == {"unicom": D(10)}
    assert sum(u.total for u in a.units) == D(10)
    assert {u.unit: u.total for u in a.units} == {"A": D(1), "B": D(3), "X": D(6)}


def test_split_is_exact_and_deterministic() -> None:
    assert split_fen(10, [1, 1, 1]) == [4, 3, 3]
    assert split_fen(0, [0, 0]) == [0, 0]
    assert split_fen(7, [0, 0]) == [4, 3]
    assert sum(split_fen(1_000_003, [0.1, 0.2, 0.7])) == 1_000_003
