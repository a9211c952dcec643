"""Evidence rows written the way a collection would: link down/up at both ends of each incident's
circuit (device-local China time converted to UTC) and octet counters on the backup circuits."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from inventory.models import Circuit, CollectionRun, CounterSample, Incident, Interface, LinkEvent

# Monthly counter readings on every Telecom circuit's a-end: octets added per month (in, out).
MONTHLY = {1: (0, 0), 2: (3_000_000_000, 1_000_000_000), 3: (500, 700)}


def write_evidence(session: Session) -> dict[str, int]:
    """Insert link events for every incident and counters for every Telecom circuit; return the
    octets each unit's Telecom circuit carried: its counters count from zero, so the last reading
    (in + out). Backbone and uplink circuits get counters too, and must not be counted."""
    run = CollectionRun(trigger="test", status="ok")
    session.add(run)
    session.flush()
    ifaces = {i.id: i for i in session.exec(select(Interface))}
    circuits = {c.id: c for c in session.exec(select(Circuit))}
    for inc in session.exec(select(Incident)):
        c = circuits[inc.circuit_id]
        for iid in (c.a_interface_id, c.z_interface_id):
            if iid is None:
                continue
            i = ifaces[iid]
            for at, state in ((inc.started_at, "down"), (inc.ended_at, "up")):
                session.add(LinkEvent(device_id=i.device_id, interface_id=iid, interface_name=i.name,
                                      occurred_at=at, state=state, message=f"{i.name} {state}", run_id=run.id))
    expected: dict[str, int] = {}
    telecom = [c for c in circuits.values() if c.cid.startswith("DX-") and c.a_interface_id]
    for n, c in enumerate(telecom):
        total_in = total_out = 0
        for month, (din, dout) in MONTHLY.items():
            total_in += din * (n + 1)
            total_out += dout * (n + 1)
            session.add(CounterSample(interface_id=c.a_interface_id, run_id=run.id,
                                      sampled_at=dt.datetime(2022, month, 1, tzinfo=dt.UTC),
                                      in_octets=10_000 + total_in, out_octets=20_000 + total_out))
        if c.a_unit_id or c.z_unit_id:
            expected[c.cid] = 10_000 + total_in + 20_000 + total_out
    return expected
