"""Whether each backup is armed, as an answer: its routers' stored configs (the version in force that year)
read by audit/failover.py. Asked by the backup verdicts and by the SLA ledger (a backup that would not take
over keeps no unit up)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from audit.failover import End, StoredConfig, armed
from inventory.models import ConfigSnapshot, Device, Interface
from inventory.record.samples import aware
from money.sla import year_bounds
from topology.arming import Armed

from .core import Snapshot


def config_mark(a: Snapshot) -> Any:
    """The newest stored config version: a collection that stores one changes what is armed."""
    return a.session.exec(select(func.max(ConfigSnapshot.id))).one()


def findings(a: Snapshot, year: int, backups: Mapping[str, Sequence[str]], unit_end: dict[str, int],
             ) -> dict[str, Armed]:
    """Per backup circuit (`backups`: backup cid -> its unit's primary cids), what its routers' configs say:
    the newest config stored before the year ended (the one in force that year), else the oldest after it
    (the closest evidence there is)."""
    key = (year, tuple(sorted((b, tuple(p)) for b, p in backups.items())), config_mark(a))
    return a._answer("arming", key, lambda: _findings(a, year, backups, unit_end))


def _findings(a: Snapshot, year: int, backups: Mapping[str, Sequence[str]], unit_end: dict[str, int],
              ) -> dict[str, Armed]:
    iids = {iid for b, ps in backups.items() for cid in (b, *ps) if (iid := unit_end.get(cid)) is not None}
    if not iids:
        return {}
    ends: dict[int, End] = {}
    devices: dict[int, tuple[str, str]] = {}
    for i, d in a.session.exec(select(Interface, Device).where(col(Interface.id).in_(sorted(iids)),
                                                               Interface.device_id == Device.id)).all():
        address = f"{i.ip_address}/{i.prefix_length}" if i.ip_address and i.prefix_length is not None else None
        ends[i.id] = End(d.hostname, i.name, address)
        devices[d.id] = (d.hostname, d.platform)
    _lo, hi = year_bounds(year)
    # Which version per device from the history's ids and times; then the text of those versions only (a
    # device's history holds every config it ever had).
    chosen: dict[int, int] = {}
    stmt = (select(ConfigSnapshot.id, ConfigSnapshot.device_id, ConfigSnapshot.collected_at)
            .where(col(ConfigSnapshot.device_id).in_(sorted(devices)))
            .order_by(ConfigSnapshot.collected_at, ConfigSnapshot.id))
    for sid, did, at in a.session.exec(stmt).all():
        if aware(at) < hi or did not in chosen:
            chosen[did] = sid
    configs: dict[str, StoredConfig] = {}
    if chosen:
        for snap in a.session.exec(select(ConfigSnapshot).where(col(ConfigSnapshot.id).in_(sorted(chosen.values())))):
            host, platform = devices[snap.device_id]
            configs[host] = StoredConfig(snap.id or 0, snap.collected_at, platform, snap.text)
    out: dict[str, Armed] = {}
    for cid, primaries in backups.items():
        end = ends.get(unit_end.get(cid, -1))
        if end is None:
            continue
        out[cid] = armed(end, [e for p in primaries if (e := ends.get(unit_end.get(p, -1))) is not None], configs)
    return out
