"""A syslog line's PRI and header: RFC 5424, RFC 3164, and the layouts the vendors really send.

* RFC 5424: ``<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG``.
* Huawei VRP: ``<PRI>Mmm dd YYYY hh:mm:ss[+hh:mm][ DST] HOST %%01MOD/SEV/MNEMONIC(flag)[seq]:text``.
* H3C Comware: ``<PRI>Mmm dd hh:mm:ss YYYY HOST %%10MOD/SEV/MNEMONIC[(flag)]: text`` (the year after the time;
  ``no-year-date`` and ``iso`` loghost timestamps too).
* Cisco IOS / Ruijie RGOS: ``<PRI>seq: [host: ][*|.]Mmm dd [YYYY ]hh:mm:ss[.mmm][ ZONE]: %FAC-SEV-MNEMONIC: text``;
  the hostname only with ``logging origin-id``, ``*``/``.`` say the clock is not (or no longer) NTP-synced, an
  uptime stamp (``00:01:23:``, ``1w2d:``) gives no date.
* ZTE ZXR10: the alarm text ``%TYPE% text`` after a 3164 header.

A time without a zone is read in the device's zone (`tz`); a zone name other than UTC/GMT is read the same way,
because IOS and RGOS print whatever name ``clock timezone`` was given (``CST`` is China time on our devices, US
Central elsewhere). A date without a year takes the year that puts it nearest before `received_at` (a December
message received in January is last year's). Nothing here raises: what cannot be read is an error code."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

UTC = dt.UTC
MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                      "Nov", "Dec"), 1)}
_UTC_NAMES = frozenset(("UTC", "GMT", "Z", "UCT"))
_FUTURE = dt.timedelta(days=1)  # a device clock a little ahead of ours is tolerated, a year ahead is not

_PRI = re.compile(r"<([0-9]{1,3})>")
_BAD_PRI = re.compile(r"<[^<>\s]{0,6}>")
_5424 = re.compile(r"1 (\S+) (\S+) (\S+) (\S+) (\S+)(?: |$)")
_5424_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)?$")
_SD = re.compile(r'(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+')
# Cisco/RGOS before the time: the sequence number, the origin-id hostname, the sync marker.
_PRE = re.compile(r"(?:0*([0-9]{1,10}): )?(?:([A-Za-z][\w.-]*): )?([*.])?")
_BSD_TIME = re.compile(
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2})(?: (\d{4}))? (\d\d):(\d\d):(\d\d)"
    r"(?:[.:](\d{1,6}))?([+-]\d\d:?\d\d)?(?: (\d{4})(?= ))?(?: DST)?(?: ([A-Z]{2,5})(?=:))?:?(?: +|$)")
_ISO_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?"
                       r":?(?: +|$)")
_UPTIME = re.compile(r"(?:\d+:\d\d:\d\d(?:\.\d+)?|(?:\d+[ywdhm]){1,3}): ")
# What looks like the start of a header that the line ends inside of (cut in transit).
_HEADER_START = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|\d{4}-\d|1 \d{4}-")
# The vendor's tag, near the start of the text after the time: Huawei/H3C %%vvMOD/SEV/MNEMONIC(flag)[seq],
# Cisco/RGOS %FAC-SEV-MNEMONIC, the same two without their marks (VRP prints some that way), ZTE %TYPE%.
_VTAG = re.compile(
    r"(?:(?<=\s)|^)(?:%%\d\d([A-Za-z][\w-]*/[0-7]/[\w-]+)(?:\(([a-z]{1,2})\))?(?:\[([0-9]+)\])?"
    r"|%([A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*?-[0-7]-[A-Z0-9_]+)"
    r"|([A-Z][A-Z0-9_]*/[0-7]/[A-Za-z][\w-]*)(?:\(([a-z]{1,2})\))?(?:\[([0-9]+)\])?"
    r"|%([A-Z][A-Z0-9_-]*)%)(?::\s?|\s|$)")
_SEQUENCE_ID = re.compile(r'\bsequenceId="([0-9]{1,10})"')  # RFC 5424 meta SD: the sender's counter
_TAG_WITHIN = 200  # a vendor tag further in than this is words of the message, not a tag
_3164_TAG = re.compile(r"([\w./-]{1,48})(?:\[([0-9]+)\])?: ?")


@dataclass(slots=True)
class Header:
    facility: int | None = None
    severity: int | None = None
    occurred_at: dt.datetime | None = None  # UTC
    hostname: str | None = None
    tag: str | None = None
    sequence: int | None = None
    body: str = ""  # the message text after the tag
    error: str | None = None
    understood: bool = False  # a timestamp or a tag was read: the line is syslog, not noise


def join_errors(*codes: str | None) -> str | None:
    if not any(codes):
        return None
    found = [c for c in codes if c]
    return ",".join(found) if found else None


def _dated(year: int, month: int, day: int, hms: tuple[int, int, int, int], tz: dt.tzinfo) -> dt.datetime:
    if month == 2 and day == 29:
        while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            year -= 1  # Feb 29 belongs to the latest leap year
    return dt.datetime(year, month, day, *hms, tzinfo=tz)


def infer_year(month: int, day: int, hms: tuple[int, int, int, int], received_local: dt.datetime,
               tz: dt.tzinfo) -> dt.datetime:
    """A yearless date in the year of `received_local`, or the year before when that would put it more
    than a day ahead of the arrival (December's messages read in January); the year after when that is
    within a day ahead (a clock running a little fast across New Year). A date that exists in no year
    (Feb 30) raises ValueError."""
    year = received_local.year
    when = _dated(year, month, day, hms, tz)
    if when - received_local > _FUTURE:
        return _dated(year - 1, month, day, hms, tz)
    ahead = _dated(year + 1, month, day, hms, tz)
    if ahead - received_local <= _FUTURE:
        return ahead
    return when


def _micro(frac: str | None) -> int:
    return int((frac + "00000")[:6]) if frac else 0


_OFFSETS: dict[str, dt.tzinfo] = {}


def _offset(text: str | None, tz: dt.tzinfo) -> dt.tzinfo:
    if not text or text in _UTC_NAMES:
        return UTC if text else tz
    zone = _OFFSETS.get(text)
    if zone is None:
        sign = -1 if text[0] == "-" else 1
        digits = text[1:].replace(":", "")
        zone = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))
        if len(_OFFSETS) < 256:  # a few dozen zones exist; the bound is against noise
            _OFFSETS[text] = zone
    return zone


def parse(text: str, *, received_at: dt.datetime, tz: dt.tzinfo) -> Header:
    """The header of one decoded line (`received_at` in UTC, `tz` the device's zone)."""
    h = Header()
    if not text or text.isspace():
        h.error = "empty"
        return h
    pos = 0
    errors: list[str] = []
    m = _PRI.match(text)
    if m is not None and int(m.group(1)) <= 191:
        pri = int(m.group(1))
        h.facility, h.severity = pri >> 3, pri & 7
        pos = m.end()
    elif text[0] == "<":
        errors.append("bad_pri")
        bad = _BAD_PRI.match(text)
        pos = bad.end() if bad is not None else 1
    else:
        errors.append("no_pri")
    rest = text[pos:]
    if not rest or rest.isspace():
        errors.append("truncated")
        h.error = join_errors(*errors)
        return h
    if rest.startswith("1 ") and _5424.match(rest):
        _rfc5424(h, rest, tz, errors)
    else:
        _legacy(h, rest, received_at, tz, errors)
    h.error = join_errors(*errors)
    return h


def _rfc5424(h: Header, rest: str, tz: dt.tzinfo, errors: list[str]) -> None:
    m = _5424.match(rest)
    assert m is not None
    stamp, host, app, _procid, msgid = m.groups()
    h.understood = True
    if stamp != "-":
        t = _5424_TIME.match(stamp)
        try:
            if t is None:
                raise ValueError(stamp)
            y, mo, d, hh, mi, ss, frac, off = t.groups()
            h.occurred_at = dt.datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss), _micro(frac),
                                        tzinfo=_offset(off, tz)).astimezone(UTC)
        except ValueError:
            errors.append("bad_date")
    h.hostname = None if host == "-" else host
    sd_and_msg = rest[m.end():]
    if sd_and_msg.startswith("-"):
        msg = sd_and_msg[2:] if sd_and_msg.startswith("- ") else sd_and_msg[1:]
    elif sd_and_msg.startswith("["):
        sd = _SD.match(sd_and_msg)
        if sd is None:
            errors.append("truncated")
            msg = ""
        else:
            msg = sd_and_msg[sd.end():].lstrip(" ")
    elif not sd_and_msg:
        msg = ""
    else:
        msg = sd_and_msg  # no SD field at all: a sender that skipped it; read on
    if msg.startswith("\ufeff"):
        msg = msg[1:]
    tag = _VTAG.search(msg, 0, _TAG_WITHIN)
    if tag is not None:
        _take_tag(h, tag, msg)
    else:
        h.tag = None if app == "-" else (app if msgid == "-" else f"{app}/{msgid}")
        h.body = msg
    seq = _SEQUENCE_ID.search(sd_and_msg, 0, len(sd_and_msg) - len(msg))
    if seq is not None and h.sequence is None:
        h.sequence = int(seq.group(1))


def _take_tag(h: Header, m: re.Match[str], text: str) -> None:
    hw, _hflag, hseq, cisco, bare, _bflag, bseq, zte = m.groups()
    if hw or bare:
        h.tag = hw or bare
        seq = hseq or bseq
        if seq is not None and h.sequence is None:
            h.sequence = int(seq)
        sev = h.tag.split("/", 2)[1]
    elif cisco:
        h.tag = cisco
        sev = cisco.rsplit("-", 2)[-2]
    else:
        h.tag = zte
        sev = ""
    if h.severity is None and sev.isdigit():
        h.severity = int(sev)  # no PRI: the vendor's own level is the next best
    h.body = text[m.end():]


def _legacy(h: Header, rest: str, received_at: dt.datetime, tz: dt.tzinfo, errors: list[str]) -> None:
    pos = 0
    # a month first: no Cisco prefix to read (an origin-id hostname may start like one: `SW1: Mar ...`)
    pre = None if rest[:3] in MONTHS and rest[3:4] == " " else _PRE.match(rest)
    if pre is not None and pre.end():
        seq, origin, _sync = pre.groups()
        if seq is not None:
            h.sequence = int(seq)
        if origin is not None:
            h.hostname = origin
        pos = pre.end()
    stamped = False
    m = _BSD_TIME.match(rest, pos)
    if m is not None:
        stamped = True
        mon, day, y1, hh, mi, ss, frac, off, y2, zone = m.groups()
        try:
            hms = (int(hh), int(mi), int(ss), _micro(frac))
            zone_tz = _offset(off, tz) if off else (UTC if zone in _UTC_NAMES else tz)
            year = y1 or y2
            if year:
                local = dt.datetime(int(year), MONTHS[mon], int(day), *hms, tzinfo=zone_tz)
            else:
                local = infer_year(MONTHS[mon], int(day), hms, received_at.astimezone(zone_tz), zone_tz)
            h.occurred_at = local.astimezone(UTC)
        except ValueError:
            errors.append("bad_date")
        pos = m.end()
    else:
        m = _ISO_TIME.match(rest, pos)
        if m is not None:
            stamped = True
            y, mo, d, hh, mi, ss, frac, off = m.groups()
            try:
                h.occurred_at = dt.datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss), _micro(frac),
                                            tzinfo=_offset(off, tz)).astimezone(UTC)
            except ValueError:
                errors.append("bad_date")
            pos = m.end()
        else:
            up = _UPTIME.match(rest, pos)
            if up is not None:
                stamped = True  # the device's uptime: no date to read, the arrival time stands in
                pos = up.end()
            elif _HEADER_START.match(rest, pos):
                # a header that starts like a date and does not read as one: cut in transit, or a bad date
                errors.append("truncated" if len(rest) - pos < 28 else "bad_date")
    text = rest[pos:]
    tag = _VTAG.search(text, 0, _TAG_WITHIN)
    if tag is not None:
        before = text[: tag.start()].split() if tag.start() else ()
        if before and h.hostname is None and (stamped or len(before) == 1):
            h.hostname = before[0].rstrip(":")
        _take_tag(h, tag, text)
        h.understood = True
        return
    h.understood = stamped
    if not stamped:
        h.body = text
        return
    # RFC 3164: HOSTNAME TAG[pid]: MSG, either of the first two may be missing
    first, _, after = text.partition(" ")
    if first and not first.endswith(":") and after:
        h.hostname = h.hostname or first
        text = after
    elif first and not after and not first.endswith(":"):
        h.hostname = h.hostname or first
        errors.append("truncated")  # a header with no message after it
        text = ""
    t = _3164_TAG.match(text)
    if t is not None:
        h.tag = t.group(1)
        text = text[t.end():]
    h.body = text
