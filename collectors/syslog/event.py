"""What one received line became: the seam between parsing (messages.py) and storing
(inventory/record/syslog_store.py). Every field but `raw` may be unknown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

KINDS = ("link", "config_change", "probe", "bfd", "track", "reboot", "other", "unparsed")


@dataclass(slots=True)
class ParsedMessage:
    raw: str  # the line as received, decoded (bytes that are not UTF-8 or GB18030 kept as \\x escapes)
    received_at: dt.datetime  # the product's clock (collectors/clock.py), UTC
    source_addr: str = ""
    transport: str = "udp"  # udp | tcp | spool
    occurred_at: dt.datetime | None = None  # the header's time, UTC; None when the header had none
    facility: int | None = None
    severity: int | None = None
    hostname: str | None = None  # as the header names the sender
    tag: str | None = None  # IFNET/4/LINK_STATE, LINK-3-UPDOWN
    platform: str | None = None  # the profile whose message pattern matched
    kind: str = "other"  # one of KINDS; "unparsed": not even a header was understood
    interface_name: str | None = None  # canonical long name (collectors.parse.normalise)
    state: str | None = None  # up | down (link, probe, bfd, track)
    user: str | None = None  # config_change: who
    test: str | None = None  # probe: NQA "admin test" / IP SLA id; track: its number
    sequence: int | None = None  # the sender's own message number, when its format carries one
    error: str | None = None  # why the line was not (fully) understood: bad_pri, truncated, oversized, ...
