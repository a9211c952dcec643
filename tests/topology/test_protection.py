"""Protection classes: on the sample city every unit's class equals an independent derivation from
the circuit list (no graph code involved); on hand-made graphs each class appears where expected."""

from __future__ import annotations

import networkx as nx
from sqlalchemy.engine import Engine
from sqlmodel import select

from inventory.db import session_scope
from inventory.models import Carrier, Circuit, Room, Unit
from topology.protection import CLASSES, classify, counts
from topology.synth import Builder


def derive_from_circuits(engine: Engine) -> dict[str, str]:
    """The rules a planner would apply by hand to the circuit register of the sample city: one access
    circuit = single-path; two access circuits both needing Unicom (no Telecom circuit, or a Telecom
    circuit into a room with no Telecom backbone) = same-carrier-redundant; a Telecom circuit into a
    room with a Telecom backbone (or the core room) = dual-carrier, room-diverse when it lands in
    another room than the primary and the primary room is not the core."""
    with session_scope(engine) as s:
        carrier = {c.id: c.code for c in s.exec(select(Carrier))}
        room = {r.id: r for r in s.exec(select(Room))}
        units = {u.id: u.code for u in s.exec(select(Unit))}
        circuits = list(s.exec(select(Circuit).where(Circuit.status == "active")))
    telecom_backbone = {room[c.a_room_id].code for c in circuits
                        if carrier.get(c.carrier_id) == "telecom" and c.a_room_id and c.z_room_id
                        and room[c.z_room_id].is_core}
    core = {r.code for r in room.values() if r.is_core}
    access: dict[str, list[tuple[str | None, str, str]]] = {code: [] for code in units.values()}
    for c in circuits:
        if c.a_unit_id and not c.z_unit_id:
            access[units[c.a_unit_id]].append((carrier.get(c.carrier_id), c.role, room[c.z_room_id].code))
    out = {}
    for code, acc in access.items():
        if not acc:
            out[code] = "isolated"
            continue
        if len(acc) == 1:
            out[code] = "single-path"
            continue
        primary_room = next(r for car, role, r in acc if role == "primary")
        telecom = [r for car, _, r in acc if car == "telecom" and (r in telecom_backbone or r in core)]
        if not telecom:
            out[code] = "same-carrier-redundant"
        elif primary_room not in core and any(r != primary_room for r in telecom):
            out[code] = "dual-carrier-room-diverse"
        else:
            out[code] = "dual-carrier"
    return out


def test_sample_classes_match_circuit_register(sample_sqlite: Engine, sample_graph: nx.MultiGraph) -> None:
    got = classify(sample_graph)
    expected = derive_from_circuits(sample_sqlite)
    assert set(got) == set(expected)  # every unit has a class
    assert {u: p.cls for u, p in got.items()} == expected
    per_class = counts(got)
    assert sum(n for n, _ in per_class.values()) == 97
    # The sample's attachment plan: 58 single, 8 Unicom-dual + 3 Telecom into dead-end rooms, 28 Telecom.
    assert per_class["single-path"][0] == 58
    assert per_class["same-carrier-redundant"][0] == 11
    assert per_class["dual-carrier"][0] + per_class["dual-carrier-room-diverse"][0] == 28
    assert all(per_class[c][0] > 0 for c in CLASSES[1:])


def test_partial_sweep_is_completed(sample_graph: nx.MultiGraph) -> None:
    from topology.sweep import sweep_single

    full = {u: p.cls for u, p in classify(sample_graph).items()}
    assert {u: p.cls for u, p in classify(sample_graph, sweep_single(sample_graph, ("device",))).items()} == full


def test_evidence(sample_graph: nx.MultiGraph) -> None:
    got = classify(sample_graph)
    single = next(p for p in got.values() if p.cls == "single-path")
    assert len(single.access) == 1 and f"link:{single.access[0].circuit}" in single.shared_risks
    assert single.paths[0][0].startswith(f"device:{single.unit}-") and single.paths[0][-1].startswith("device:QHD-CORE")
    diverse = next(p for p in got.values() if p.cls == "dual-carrier-room-diverse")
    assert diverse.carriers == ["telecom", "unicom"] and len(diverse.rooms) >= 3
    assert "carrier:unicom" not in diverse.shared_risks and "room:CORE" in diverse.shared_risks
    # The Telecom backup's path stays on Telecom: the access circuit, then the room's Telecom backbone.
    dx = next(i for i, a in enumerate(diverse.access) if a.carrier == "telecom")
    assert diverse.path_carriers[dx] == ["telecom"] and diverse.path_circuits[dx][1].startswith("DX-BB-")
    same = next(p for p in got.values() if p.cls == "same-carrier-redundant")
    assert "carrier:unicom" in same.shared_risks


def test_each_class_on_a_hand_made_graph() -> None:
    b = Builder()
    b.room("CORE", is_core=True)
    b.device("C1", room="CORE")
    b.device("C2", room="CORE")
    b.link("C1", "C2", "core-lag")
    for r in ("A", "B"):
        b.device(f"{r}1", room=r)
        b.link(f"{r}1", "C1", f"LT-{r}", carrier="unicom", role="primary")
    b.link("B1", "C2", "DX-B", carrier="telecom", role="backup")
    b.link("A1", "C2", "LT-A2", carrier="unicom", role="primary")
    b.device("ISO-AR", unit="ISO", terminals=5)
    b.device("ONE-AR", unit="ONE", terminals=10)
    b.link("ONE-AR", "A1", "LT-ONE", carrier="unicom", role="primary")
    b.device("TWO-AR", unit="TWO", terminals=20)
    b.link("TWO-AR", "A1", "LT-TWO-1", carrier="unicom", role="primary")
    b.link("TWO-AR", "A1", "LT-TWO-2", carrier="unicom", role="backup")
    b.device("DUAL-AR", unit="DUAL", terminals=30)
    b.link("DUAL-AR", "B1", "LT-DUAL", carrier="unicom", role="primary")
    b.link("DUAL-AR", "B1", "DX-DUAL", carrier="telecom", role="backup")
    b.device("DIV-AR", unit="DIV", terminals=40)
    b.link("DIV-AR", "A1", "LT-DIV", carrier="unicom", role="primary")
    b.link("DIV-AR", "C2", "DX-DIV", carrier="telecom", role="backup")
    got = classify(b.done())
    assert {u: p.cls for u, p in got.items()} == {
        "ISO": "isolated", "ONE": "single-path", "TWO": "same-carrier-redundant", "DUAL": "dual-carrier",
        "DIV": "dual-carrier-room-diverse"}
    # DUAL's two circuits end on one device: the shared risk is named even though no link alone cuts it.
    assert "device:B1" in got["DUAL"].shared_risks and "room:B" in got["DUAL"].shared_risks
