"""Drift (declared versus seen) as an answer: the rows it compares, read once per state of the data."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from inventory.models import Carrier, Circuit, CommandOutput, Device, Interface, Link
from topology.discovery import DriftReport, DriftRows, drift

from .core import Snapshot


def lldp_screens(session: Session) -> list[tuple[int, str]]:
    """(device id, text) of each device's newest collected LLDP screen."""
    newest = (select(func.max(CommandOutput.id)).where(CommandOutput.command.contains("lldp"))
              .group_by(CommandOutput.device_id))
    return [(d, t) for d, t in session.exec(select(CommandOutput.device_id, CommandOutput.output)
                                            .where(CommandOutput.id.in_(newest))).all()]


def drift_rows(session: Session) -> DriftRows:
    return DriftRows(devices={d.id: d for d in session.exec(select(Device))},
                     ifaces={i.id: i for i in session.exec(select(Interface))},
                     carriers={c.id: c.code for c in session.exec(select(Carrier))},
                     circuits=list(session.exec(select(Circuit).where(Circuit.status == "active")
                                                .order_by(Circuit.cid))),
                     links=list(session.exec(select(Link).order_by(Link.id))),
                     screens=lldp_screens(session))


def report(a: Snapshot) -> DriftReport:
    return a._answer("drift", (), lambda: drift(drift_rows(a.session)))
