"""syslog-parse: frames cut from a TCP stream and parsed into ParsedMessages (decode, header, vendor rule),
one core (process CPU time), no database (the receiver/store benchmark `syslog-ingest` adds the insert). The
mix is the vendors' link, config and alarm lines plus one no rule knows, half octet-counted, half LF-framed.
Baseline, same process: the same decode and header, then every body pattern of every platform tried in turn
instead of the tag index, with no framing and no message built: with ~50 rules the regex engine's own speed
makes this baseline faster than the full path (ratio < 1); the index pays as rules grow, and the value is the
figure that counts against the 20,000 msg/s ingest target."""

from __future__ import annotations

import datetime as dt
import time

from collectors.platforms import load_profile, names
from collectors.syslog import framing, header
from collectors.syslog.messages import CHINA, classifier, decode, parse
from tests.bench._util import write_result

R = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
LINES = [
    b"<189>Mar  1 2026 08:00:00 qhd-core-r1 %%01IFNET/4/LINK_STATE(l)[12]:The line protocol IP on the interface "
    b"GigabitEthernet0/0/1 has entered the DOWN state.",
    b"<188>Mar  1 08:00:00 2026 u023-sw1 %%10IFNET/3/PHY_UPDOWN: Physical state on the interface "
    b"GigabitEthernet1/0/1 changed to down.",
    b"<189>42: *Mar  1 08:00:00.123 CST: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down",
    b"<186>Mar  1 2026 08:20:01+08:00 qhd-ce-spine1 %%01IFNET/2/linkDown_active(l):CID=0x807a0411-alarmID="
    b"0x08520003;The interface status changes. (ifName=25GE1/0/3, AdminStatus=UP, OperStatus=DOWN, "
    b"Reason=Interface physical link is down, mainIfname=25GE1/0/3)",
    b"<189>347: Mar  1 08:10:00.000: %SYS-5-CONFIG_I: Configured from console by noc-ops on vty0 (10.16.0.9)",
    b"<190>Mar  1 2026 09:30:00 qhd-core-r1 %%01NTP/4/STRATUM_CHANGE(l)[41]:System stratum changes from 16 to 4.",
]
N = 60_000


def _undispatched(data: bytes, rules: list) -> str | None:
    """The same decode and header, then every body pattern of every platform in turn (no tag index)."""
    text, _ = decode(data)
    h = header.parse(text, received_at=R, tz=CHINA)
    for name, rule in rules:
        if rule.body is not None and rule.body.search(h.body):
            return name
    return None


def test_syslog_parse() -> None:
    classifier()
    stream = b"".join(b"%d %s" % (len(x), x) if i % 2 else x + b"\n" for i, x in enumerate(LINES * (N // len(LINES))))
    t0 = time.process_time()
    framer = framing.StreamFramer()
    count = 0
    for i in range(0, len(stream), 65536):
        for frame in framer.feed(stream[i:i + 65536]):
            parse(frame.data, received_at=R, transport="tcp", error=frame.error)
            count += 1
    rate = count / (time.process_time() - t0)
    assert count == N
    rules = [(n, r) for n in names() for r in load_profile(n).syslog.rules]
    t0 = time.process_time()
    for i in range(N // 10):
        _undispatched(LINES[i % len(LINES)], rules)
    base = (N // 10) / (time.process_time() - t0)
    write_result("syslog-parse", rate, "msg/s", base, higher_is_better=True, messages=N)
