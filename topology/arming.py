"""Whether a backup circuit is armed: the finding's shape and its vocabulary.

Two analyses meet here, so the shape lives below both: audit/failover.py reads it from the stored configs,
money/verdicts.py judges the backup carrier's fee with it. Neither may import the other (layers are
one-way and the analyses are peers), and an armed backup is a property of the unit's path out, which is
this package's subject."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Armed.state
ARMED, PARTIAL, NOT_ARMED, NO_CONFIG = "armed", "partial", "not_armed", "no_config"
ARMED_STATES = (ARMED, PARTIAL, NOT_ARMED, NO_CONFIG)
# Armed.mechanisms: what arms it
MECHANISMS = ("floating_static", "load_share", "nqa", "bfd", "ip_sla", "track", "interface", "vrrp_track",
              "dynamic")
# Armed.missing: what a PARTIAL, NOT_ARMED or NO_CONFIG finding lacks
MISSING = ("no_config", "platform_unsupported", "config_unreadable", "backup_shutdown", "backup_route",
           "primary_untracked", "track_undefined", "backup_preferred", "primary_config", "gateway_untracked",
           "gateway_handover")


@dataclass(frozen=True)
class Armed:
    state: str  # one of ARMED_STATES
    device: str | None  # the router whose config was read (the backup's)
    config_id: int | None  # the stored config version the finding is read from
    collected_at: dt.datetime | None
    mechanisms: tuple[str, ...] = ()  # codes of MECHANISMS
    lines: tuple[str, ...] = ()  # the config lines behind the finding, masked: "host 第N行 `line`"
    missing: tuple[str, ...] = ()  # codes of MISSING


NO_FINDING = Armed(NO_CONFIG, None, None, None, missing=("no_config",))
# What leaves the unit's LAN gateway on the primary's router when that router's uplink goes down: the
# traffic never reaches the backup's router, however armed that router is.
_GATEWAY_STAYS = ("gateway_untracked", "gateway_handover")


def takes_over(a: Armed) -> bool:
    """Does the backup carry the unit when the primary's link goes down (what link-state evidence sees)?
    Not when nothing routes over it, nor when the LAN gateway stays behind; a partly armed backup on the
    primary's own router does (an untracked primary route goes with its port). A backup whose config was not
    read is not judged: taken as carrying, and the verdicts say `no_config`."""
    if a.state == NOT_ARMED:
        return False
    return not (a.state == PARTIAL and any(m in _GATEWAY_STAYS for m in a.missing))
