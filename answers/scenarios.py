"""Failure scenarios and full sweeps as answers.

The measured demand (counter samples on the units' access interfaces) and a full sweep are cached
like every answer. A single simulation is not: it costs milliseconds (one BFS pair and one
least-cost tree on the shared graph), each run reports its own time, and callers may hold the
result's spec; keying the cache on a FailureSpec would save nothing worth its rule."""

from __future__ import annotations

import networkx as nx
from sqlmodel import Session, select

from inventory import scenarios as stored
from inventory.models import CounterSample, Device, Interface, Scenario
from topology.failures import SingleFailure
from topology.n2 import candidate_links
from topology.net import get_net
from topology.scenario import (
    DEFAULT_MBPS_PER_TERMINAL,
    Comparison,
    FailureSpec,
    Overload,
    ScenarioResult,
    compare_saved,
    demand_interfaces,
    overload_sweep,
    peak_demand,
    simulate_measured,
)
from topology.sweep import SweepReport
from topology.sweep import full_sweep as sweep_all

from .core import Snapshot


def counter_samples(session: Session) -> list[tuple[str, str, object, int, int, bool]]:
    """(hostname, interface, sampled at, in octets, out octets, reset), in time order per interface."""
    return list(session.exec(select(Device.hostname, Interface.name, CounterSample.sampled_at, CounterSample.in_octets,
                                    CounterSample.out_octets, CounterSample.reset)
                             .join(Interface, Interface.id == CounterSample.interface_id)
                             .join(Device, Device.id == Interface.device_id)
                             .order_by(CounterSample.interface_id, CounterSample.sampled_at)).all())


def measured_demand(a: Snapshot) -> dict[str, float]:
    """Unit code → peak Mbps where counters were collected on its access interfaces."""
    def compute() -> dict[str, float]:
        wanted = demand_interfaces(a.graph())
        return peak_demand(wanted, counter_samples(a.session)) if wanted else {}

    return a._answer("measured_demand", (), compute)


def simulate(a: Snapshot, spec: FailureSpec, *, mbps_per_terminal: float = DEFAULT_MBPS_PER_TERMINAL,
             graph: nx.MultiGraph | None = None) -> ScenarioResult:
    """One scenario on today's graph (``graph``: one the caller took from a.graph() already) with
    measured demand where the database has counters."""
    return simulate_measured(graph if graph is not None else a.graph(), spec, measured_demand(a),
                             mbps_per_terminal=mbps_per_terminal)


def save(a: Snapshot, name: str, spec: FailureSpec, *, description: str = "", actor: str = "system",
         replace: bool = False) -> Scenario:
    """Validate and store a named scenario, with the result it had when saved (for later comparison)."""
    stored.check_name(name)
    result = simulate(a, spec)
    return stored.save(a.session, name, spec.to_dict(), result.summary(), description=description, actor=actor,
                       replace=replace)


def saved(a: Snapshot) -> list[Scenario]:
    return stored.list_all(a.session)


def load(a: Snapshot, name: str) -> tuple[Scenario, FailureSpec]:
    row = stored.get(a.session, name)
    return row, FailureSpec.from_dict(row.spec.get("fail", {}))


def rerun(a: Snapshot, name: str) -> Comparison:
    """Run a saved scenario on today's inventory and compare with what it gave when saved."""
    row, spec = load(a, name)
    return compare_saved(name, simulate(a, spec), row.spec.get("saved_result", {}))


def full_sweep(a: Snapshot, *, n2: bool = True) -> SweepReport:
    """Every single failure of links, devices, unit devices, SRLGs and rooms, plus (n2) the link pairs."""
    return a._answer("full_sweep", (n2,), lambda: sweep_all(a.graph(), n2=n2))


def overloads(a: Snapshot, failures: list[SingleFailure]) -> dict[tuple[str, str], list[Overload]]:
    """Overloaded backup circuits under each of the given single failures, with measured demand."""
    return overload_sweep(a.graph(), failures, measured_demand(a))


def link_pairs(a: Snapshot) -> int:
    """How many pairs of links the N-2 answer covers."""
    m = len(candidate_links(get_net(a.graph())))
    return m * (m - 1) // 2
