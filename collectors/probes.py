"""Probe results (Huawei/H3C NQA, Cisco IP SLA) from the parsed rows of a probe-results screen.

Which field says what is the platform's data (`facts.probes` in its profile), so this module never asks
which vendor it reads:

    probes:
      test: [admin, test]        # fields joined by one space: NQA "admin test", IP SLA "10"
      target: destination        # the screen's target field, if it prints one
      config_target: '<regex>'   # else the running config defines it: named groups `test` and `target`
      time: last_good_probe      # the device's time of the result (its local time unless it names UTC/GMT)
      sent: sent                 # a field, or a number (an IP SLA echo is one probe per operation)
      received: received         # a field; absent: `ok` decides (1 answered of 1 sent, or 0)
      ok: {field: return_code, equals: [OK]}   # absent: ok when anything came back
      rtt: [rtt_min, rtt_avg, rtt_max]         # or one field for all three (the latest RTT)
      rtt_unit: rtt_unit         # a field saying ms/milliseconds/microseconds (default ms)
      skip_unsent: true          # a result with nothing sent is a test that never ran: no fact

A test that never ran gives no fact; a result without a usable time (all probes lost prints
0000-00-00) has ``measured_at=None`` and the collection's time stands in for it at ingest."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

DEVICE_TZ = dt.timezone(dt.timedelta(hours=8))  # devices keep China time unless their clock line says UTC

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?")
# IOS: "10:21:07 CST Mon Nov 30 2026", "*08:02:51.417 UTC Mon Nov 30 2026" (* = clock not synchronised)
_IOS = re.compile(r"\*?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?\s+(\S+)\s+\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{4})")
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"], start=1)}
_UTC_NAMES = {"UTC", "GMT", "Z"}


@dataclass
class ProbeFact:
    test: str  # NQA "admin test", IP SLA operation number
    target: str | None
    measured_at: dt.datetime | None  # UTC; None: the device printed no time for this result
    ok: bool  # at least one probe of the result reached its target
    sent: int | None = None
    received: int | None = None
    rtt_min_ms: float | None = None
    rtt_avg_ms: float | None = None
    rtt_max_ms: float | None = None


def device_time(text: str) -> dt.datetime | None:
    """A device's timestamp as aware UTC; None for an empty or all-zero time (no result yet)."""
    text = (text or "").strip()
    m = _ISO.search(text)
    if m:
        y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
        if y == 0 or mo == 0 or d == 0:
            return None
        micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
        zone = dt.UTC if any(z in text.split() for z in _UTC_NAMES) else DEVICE_TZ
        return dt.datetime(y, mo, d, h, mi, s, micro, tzinfo=zone).astimezone(dt.UTC)
    m = _IOS.search(text)
    if m and m.group(6).lower()[:3] in _MONTHS:
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3))
        micro = int((m.group(4) or "0")[:6].ljust(6, "0"))
        zone = dt.UTC if m.group(5).upper() in _UTC_NAMES else DEVICE_TZ
        return dt.datetime(int(m.group(8)), _MONTHS[m.group(6).lower()[:3]], int(m.group(7)), h, mi, s, micro,
                           tzinfo=zone).astimezone(dt.UTC)
    return None


def _num(v: object) -> float | None:
    try:
        return float(str(v).strip())
    except ValueError:
        return None


def _count(rule: dict[str, Any], key: str, row: dict[str, object]) -> int | None:
    spec = rule.get(key)
    if spec is None:
        return None
    if isinstance(spec, int):
        return spec
    n = _num(row.get(str(spec), ""))
    return None if n is None else int(n)


def _ok(rule: dict[str, Any], row: dict[str, object], received: int | None) -> bool:
    spec = rule.get("ok")
    if spec:
        value = str(row.get(str(spec["field"]), "")).strip().lower()
        return value in {str(e).lower() for e in spec.get("equals", [])}
    return bool(received)


def config_targets(rule: dict[str, Any], config: str | None) -> dict[str, str]:
    """test -> target address as the running config defines it (when the results screen does not say)."""
    pattern = rule.get("config_target")
    if not pattern or not config:
        return {}
    found: dict[str, str] = {}
    for m in re.finditer(pattern, config.replace("\r\n", "\n"), re.M):
        found.setdefault(" ".join(m.group("test").split()), m.group("target"))
    return found


def read_probes(rule: dict[str, Any], rows: list[dict[str, object]], config: str | None = None) -> list[ProbeFact]:
    """One fact per result row the platform's rule reads; a never-run test is left out."""
    if not rule:
        return []
    from_config = config_targets(rule, config)
    fields = rule.get("test") or []
    facts: list[ProbeFact] = []
    for row in rows:
        test = " ".join(str(row.get(f, "")).strip() for f in ([fields] if isinstance(fields, str) else fields))
        test = " ".join(test.split())
        if not test:
            continue
        sent = _count(rule, "sent", row)
        received = _count(rule, "received", row)
        if rule.get("skip_unsent", True) and sent == 0:
            continue  # nothing sent: the test has not run yet
        measured = device_time(str(row.get(str(rule.get("time", "")), "")))
        if measured is None and rule.get("time_required"):
            continue  # the platform prints a time on every real result: none means it never ran
        ok = _ok(rule, row, received)
        if received is None and sent is not None:
            received = sent if ok else 0
        rtts = _rtts(rule, row) if ok else (None, None, None)
        target = str(row.get(str(rule.get("target", "")), "") or "").strip() or from_config.get(test)
        facts.append(ProbeFact(test=test[:96], target=target or None, measured_at=measured, ok=ok, sent=sent,
                               received=received, rtt_min_ms=rtts[0], rtt_avg_ms=rtts[1], rtt_max_ms=rtts[2]))
    return facts


def _rtts(rule: dict[str, Any], row: dict[str, object]) -> tuple[float | None, float | None, float | None]:
    spec = rule.get("rtt") or []
    unit = str(row.get(str(rule.get("rtt_unit", "")), "") or "ms").lower()
    scale = 0.001 if unit.startswith("micro") else 1.0
    # several layouts in one chain: the first field list the row fills wins (jitter min/avg/max, else latest)
    options = spec if spec and isinstance(spec[0], list) else [spec]
    for names in options:
        names = [names] * 3 if isinstance(names, str) else names
        values = [_num(row.get(n, "")) for n in names]
        if all(v is not None for v in values):
            return tuple(round(v * scale, 3) for v in values)  # type: ignore[return-value]
    return None, None, None
