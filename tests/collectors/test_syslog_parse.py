"""Syslog parsing: every fixture case under tests/collectors/fixtures/*/syslog/ (the vendors' layouts, RFC 5424
and 3164, bad lines), the framer on a stream cut anywhere, year inference, zones, and the profile loader
refusing a bad `syslog:` section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from collectors.platforms import ProfileError, read_profile
from collectors.syslog import framing, header
from collectors.syslog.event import KINDS
from collectors.syslog.messages import parse

FIXTURES = Path(__file__).parent / "fixtures"
RECEIVED = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in China
FIELDS = ("kind", "tag", "platform", "hostname", "interface_name", "state", "user", "test", "sequence", "severity",
          "facility", "error")


def _cases() -> list[Any]:
    out = []
    for path in sorted(FIXTURES.glob("*/syslog/*.yml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            out.append(pytest.param(case, id=f"{path.parent.parent.name}/{path.name}:{i}"))
    return out


CASES = _cases()


def test_every_platform_has_syslog_fixtures() -> None:
    from collectors.platforms import names

    have = {p.parent.parent.name for p in FIXTURES.glob("*/syslog/*.yml")}
    assert set(names()) <= have


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: dict[str, Any]) -> None:
    line = case["line"]
    data = line if isinstance(line, bytes) else line.encode("utf-8")
    data += b"x" * int(case.get("pad", 0))
    received = dt.datetime.fromisoformat(case["received_at"]) if case.get("received_at") else RECEIVED
    frame = framing.datagram(data)
    msg = parse(frame.data, received_at=received, source_addr="10.16.0.1", platform=case.get("platform"),
                error=frame.error)
    assert case.get("seen"), "every case names where its layout was seen"
    expected = case["expected"]
    assert msg.kind in KINDS
    for key in FIELDS:
        if key in expected:
            assert getattr(msg, key) == expected[key], f"{key}: {getattr(msg, key)!r} != {expected[key]!r}"
    if "occurred_at" in expected:
        want = expected["occurred_at"]
        assert msg.occurred_at == (dt.datetime.fromisoformat(want) if want else None)
    if msg.occurred_at is not None:
        assert msg.occurred_at.utcoffset() == dt.timedelta(0)
    if "raw_contains" in expected:
        assert expected["raw_contains"] in msg.raw
    assert msg.raw or not data.strip()  # the line is kept whatever it became
    assert msg.received_at == received and msg.source_addr == "10.16.0.1"


# --- framing -------------------------------------------------------------------------------------------

LINES = [b"<189>Mar  1 2026 08:00:00 qhd-core-r1 %%01CFM/4/SAVE(l)[0]:The user chose Y.",
         b"<187>343: .Mar  1 08:00:01.678: %LINK-3-UPDOWN: Interface Gi1/0/12, changed state to down",
         "<190>Mar  1 08:12:00 2026 u023-sw1 %%10SHELL/6/SHELL_CMD: description 联通".encode()]


def _mixed() -> bytes:
    a, b, c = LINES
    return (str(len(a)).encode() + b" " + a + b + b"\r\n" + str(len(c)).encode() + b" " + c + a + b"\x00"
            + b + b"\n")


def _feed(chunks: list[bytes], max_size: int = 8192) -> list[framing.Frame]:
    f = framing.StreamFramer(max_size)
    out: list[framing.Frame] = []
    for chunk in chunks:
        out += f.feed(chunk)
    return out + f.close()


def test_mixed_framing_in_one_chunk() -> None:
    a, b, c = LINES
    assert _feed([_mixed()]) == [framing.Frame(x) for x in (a, b, c, a, b)]


def test_mixed_framing_fed_byte_by_byte() -> None:
    data = _mixed()
    assert _feed([data[i:i + 1] for i in range(len(data))]) == _feed([data])


@pytest.mark.parametrize("cut", [1, 2, 3, 4, 5, 50, 77, 78, 79, 150])
def test_mixed_framing_split_anywhere(cut: int) -> None:
    data = _mixed()
    assert _feed([data[:cut], data[cut:]]) == _feed([data])


def test_oversized_line_is_cut_flagged_and_not_buffered() -> None:
    f = framing.StreamFramer(max_size=100)
    out = f.feed(b"<13>" + b"a" * 250)
    assert out == [framing.Frame(b"<13>" + b"a" * 96, "oversized")]
    for _ in range(1000):  # a sender that never ends its line
        assert f.feed(b"b" * 1000) == []
        assert len(f._buf) <= 100
    assert f.feed(b"tail\n<13>next\n") == [framing.Frame(b"<13>next")]


def test_oversized_octet_counted_frame_skips_its_tail() -> None:
    big = b"<13>" + b"z" * 296
    out = _feed([b"300 " + big[:150], big[150:] + b"5 <13>x"], max_size=100)
    assert out == [framing.Frame(big[:100], "oversized"), framing.Frame(b"<13>x")]


def test_truncated_on_close() -> None:
    f = framing.StreamFramer()
    assert f.feed(b"<13>complete\n<13>half a li") == [framing.Frame(b"<13>complete")]
    assert f.close() == [framing.Frame(b"<13>half a li", "truncated")]
    f = framing.StreamFramer()
    assert f.feed(b"40 <13>only part") == []
    assert f.close() == [framing.Frame(b"<13>only part", "truncated")]


def test_blank_lines_between_frames_are_no_frames() -> None:
    assert _feed([b"\n\r\n\x00<13>a\n\n\n<13>b\r\n"]) == [framing.Frame(b"<13>a"), framing.Frame(b"<13>b")]


def test_datagram() -> None:
    assert framing.datagram(b"<13>a\r\n\x00") == framing.Frame(b"<13>a")
    assert framing.datagram(b"<13>" + b"a" * 9000) == framing.Frame(b"<13>" + b"a" * 8188, "oversized")
    assert framing.datagram(b"<13>ab", max_size=3) == framing.Frame(b"<13", "oversized")


# --- time --------------------------------------------------------------------------------------------------

CHINA = dt.timezone(dt.timedelta(hours=8))


def _when(line: str, received: dt.datetime, tz: dt.tzinfo = CHINA) -> dt.datetime | None:
    return header.parse(line, received_at=received, tz=tz).occurred_at


def _u(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


@pytest.mark.parametrize(("stamp", "received", "want"), [
    # received 2026-01-01 00:30 China: a Dec 31 line is last year's
    ("Dec 31 23:59:00", _u(2025, 12, 31, 16, 30), _u(2025, 12, 31, 15, 59)),
    # received 2025-12-31 23:59 China from a clock a minute fast: Jan 1 is next year's
    ("Jan  1 00:00:30", _u(2025, 12, 31, 15, 59), _u(2025, 12, 31, 16, 0, 30)),
    # the arrival is already 2026-01-01 in China though still 2025 in UTC: the China year counts
    ("Jan  1 00:10:00", _u(2025, 12, 31, 16, 20), _u(2025, 12, 31, 16, 10)),
    # an ordinary day
    ("Jul  4 12:00:00", _u(2026, 7, 4, 5, 0), _u(2026, 7, 4, 4, 0)),
    # a few hours ahead is tolerated (less than a day)
    ("Jul  4 20:00:00", _u(2026, 7, 4, 5, 0), _u(2026, 7, 4, 12, 0)),
])
def test_year_inference(stamp: str, received: dt.datetime, want: dt.datetime) -> None:
    assert _when(f"<13>{stamp} qhd-mon1 app: x", received) == want


def test_feb_29_without_a_year_takes_the_latest_leap_year() -> None:
    got = _when("<13>Feb 29 08:00:00 h app: x", dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    assert got == dt.datetime(2024, 2, 29, 0, 0, tzinfo=dt.UTC)


def test_zone_handling() -> None:
    r = _u(2026, 3, 1, 2, 0)
    # no zone: the device's zone as passed in
    assert _when("<189>Mar  1 2026 08:00:00 h %%01CFM/4/SAVE(l):x", r) == _u(2026, 3, 1, 0, 0)
    assert _when("<189>Mar  1 2026 08:00:00 h %%01CFM/4/SAVE(l):x", r, dt.UTC) == _u(2026, 3, 1, 8)
    # an offset as written; UTC/GMT names are UTC; other names are the device's zone
    assert _when("<189>Mar  1 2026 08:00:00+00:00 h %%01CFM/4/SAVE(l):x", r) == _u(2026, 3, 1, 8)
    assert _when("<189>1: Mar  1 08:00:00.000 UTC: %SYS-5-RESTART: x", r) == _u(2026, 3, 1, 8)
    assert _when("<189>1: Mar  1 08:00:00.000 CST: %SYS-5-RESTART: x", r) == _u(2026, 3, 1, 0)
    assert _when("<13>1 2026-03-01T08:00:00+08:00 h a - - - x", r) == _u(2026, 3, 1, 0)


def test_parse_never_raises_on_noise() -> None:
    import random

    rnd = random.Random(16)
    seeds = [b"<189>Mar  1 2026 08:00:00 h %%01IFNET/4/LINK_STATE(l)[1]:The line", b"<13>1 2026-", b"<", b"%%",
             b"12 <13>", b"<191>Feb 29 99:99:99 ", b"<0>1 - - - - - [a"]
    for _ in range(3000):
        data = rnd.choice(seeds)
        cut = rnd.randrange(len(data) + 1)
        data = data[:cut] + bytes(rnd.randrange(256) for _ in range(rnd.randrange(8)))
        msg = parse(data, received_at=RECEIVED)
        assert msg.kind in KINDS


# --- the profile loader ----------------------------------------------------------------------------------

def _profile_with(tmp_path: Path, syslog: Any) -> Path:
    src = Path(__file__).resolve().parents[2] / "collectors" / "platforms" / "huawei_vrp.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    data["syslog"] = syslog
    path = tmp_path / "huawei_vrp.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("rule", "says"), [
    ({"tag": "IFNET/4/LINK_STATE", "kind": "linkish"}, "kind 'linkish'"),
    ({"tag": "IFNET/4/LINK_STATE", "kind": "link", "body": "(?P<interface>"}, "bad regex"),
    ({"tag": "IFNET/4/LINK_STATE", "kind": "link", "body": "(?P<port>\\S+)"}, "body groups ['port']"),
    ({"tag": "IFNET/4/LINK_STATE", "kind": "link", "state": "sideways"}, "state 'sideways'"),
    ({"tag": "IFNET/4/LINK_STATE", "kind": "link", "state_map": {"UP": "yes"}}, "state_map values"),
    ({"kind": "link"}, "`tag` is required"),
    ({"tag": "IFNET/4/LINK_STATE", "kind": "link", "pattern": "x"}, "unknown keys ['pattern']"),
])
def test_loader_rejects_a_bad_syslog_rule(tmp_path: Path, rule: dict[str, Any], says: str) -> None:
    path = _profile_with(tmp_path, {"rules": [{"tag": "CFM/4/SAVE", "kind": "config_change"}, rule]})
    with pytest.raises(ProfileError) as err:
        read_profile(path)
    text = str(err.value)
    assert "huawei_vrp" in text and "syslog rule 1" in text and says in text


def test_loader_rejects_a_section_that_is_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="platform 'huawei_vrp' syslog"):
        read_profile(_profile_with(tmp_path, ["tag"]))


def test_every_shipped_rule_loads() -> None:
    from collectors.platforms import load_profile, names

    for name in names():
        section = load_profile(name).syslog
        assert section.rules, f"{name}: no syslog rules"
        assert all(r.kind in KINDS for r in section.rules)
