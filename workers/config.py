"""Broker settings from the environment. No EXTRANET_BROKER_URL means no broker: collection runs
in the in-process thread pool."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from inventory.errors import ExtranetError


@dataclass(frozen=True)
class BrokerConfig:
    url: str
    # Every key of ours (queues, locks, slots, run records) starts with this, so several deployments
    # or parallel test runs can share one Redis without seeing each other's queues.
    prefix: str = "extranet:"
    # A device lock is a lease renewed every lock_ttl/3 while the device is collected: a killed
    # worker's devices are free again at most lock_ttl seconds later.
    lock_ttl: float = 60.0
    # Unacknowledged messages (acks_late) come back after this; longer than any device takes.
    visibility_timeout: float = 900.0
    # A dispatched device nobody has started after this long is dispatched again (lost message).
    queued_lease: float = 600.0
    # SSH sessions at once per management zone, across all workers of the zone.
    zone_cap: int = 16
    zone_caps: dict[str, int] = field(default_factory=dict)
    sweep_every: float = 5.0

    def cap_for(self, zone: str) -> int:
        return self.zone_caps.get(zone, self.zone_cap)

    def key(self, *parts: object) -> str:
        """A Redis key of ours (locks, slots, run records; kombu prefixes the queues itself)."""
        return self.prefix + ":".join(str(p) for p in parts)


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ExtranetError(f"{name}={raw!r}: expected a number of seconds", code="config") from None
    if value <= 0:
        raise ExtranetError(f"{name}={raw!r}: expected a positive number of seconds", code="config")
    return value


def _caps(raw: str) -> dict[str, int]:
    """EXTRANET_ZONE_CAPS="zone-a=8,zone-b=4"."""
    caps: dict[str, int] = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        zone, _, n = item.partition("=")
        if not zone or not n.isdigit() or int(n) < 1:
            raise ExtranetError(f"EXTRANET_ZONE_CAPS item {item!r}: expected ZONE=N with N >= 1 "
                                "(e.g. zone-a=8,zone-b=4)", code="config")
        caps[zone.strip()] = int(n)
    return caps


def broker_config() -> BrokerConfig | None:
    url = os.environ.get("EXTRANET_BROKER_URL", "").strip()
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ExtranetError(f"EXTRANET_BROKER_URL={url!r}: expected a Redis URL such as redis://127.0.0.1:6379/0",
                            code="config")
    cap = os.environ.get("EXTRANET_ZONE_CAP", "16")
    if not cap.isdigit() or int(cap) < 1:
        raise ExtranetError(f"EXTRANET_ZONE_CAP={cap!r}: expected a whole number >= 1", code="config")
    return BrokerConfig(
        url=url,
        prefix=os.environ.get("EXTRANET_BROKER_PREFIX", "extranet:"),
        lock_ttl=_float("EXTRANET_LOCK_TTL", 60.0),
        visibility_timeout=_float("EXTRANET_VISIBILITY_TIMEOUT", 900.0),
        queued_lease=_float("EXTRANET_QUEUED_LEASE", 600.0),
        zone_cap=int(cap),
        zone_caps=_caps(os.environ.get("EXTRANET_ZONE_CAPS", "")),
        sweep_every=_float("EXTRANET_SWEEP_SECONDS", 5.0),
    )


def queue_for(zone: str) -> str:
    return f"collect.{zone}"


CONTROL_QUEUE = "extranet.control"
