"""The syslog spool: whole files or none, fields kept, a damaged line kept as a message."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from collectors.syslog.event import ParsedMessage
from collectors.syslog.spool import Spool

AT = dt.datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=dt.UTC)


def test_round_trip_keeps_every_field_and_marks_the_transport(tmp_path: Path) -> None:
    sp = Spool(tmp_path / "s")
    m = ParsedMessage(raw="<188>Mar  1 2026 08:00:00 qhd-core-r1 %%01IFNET/4/LINK_STATE(l)[3]:线路 down",
                      received_at=AT, source_addr="10.20.0.1", transport="udp", occurred_at=AT - dt.timedelta(1),
                      facility=23, severity=4, hostname="qhd-core-r1", tag="IFNET/4/LINK_STATE", platform="huawei_vrp",
                      kind="link", interface_name="GigabitEthernet0/0/1", state="down", sequence=3)
    path = sp.write([m, ParsedMessage(raw="x", received_at=AT)])
    assert sp.files() == [path] and oct(path.stat().st_mode & 0o777) == "0o600"
    back = sp.read(path)
    assert back[0] == dataclasses.replace(m, transport="spool")
    assert back[1].raw == "x" and back[1].occurred_at is None


def test_files_are_in_arrival_order_and_leftover_temporaries_are_removed(tmp_path: Path) -> None:
    sp = Spool(tmp_path / "s")
    names = [sp.write([ParsedMessage(raw=str(n), received_at=AT)]) for n in range(5)]
    (tmp_path / "s" / "00000000000000000001-1-00000000.tmp").write_text("half a batch")
    again = Spool(tmp_path / "s")
    assert again.files() == names
    assert [again.read(p)[0].raw for p in again.files()] == ["0", "1", "2", "3", "4"]
    assert not list((tmp_path / "s").glob("*.tmp"))


def test_a_damaged_line_is_kept_as_an_unparsed_message(tmp_path: Path) -> None:
    sp = Spool(tmp_path / "s")
    path = sp.write([ParsedMessage(raw="good", received_at=AT)])
    path.write_text(path.read_text() + '{"raw": "cut off in the mid\n')
    got = sp.read(path)
    assert got[0].raw == "good"
    assert got[1].kind == "unparsed" and got[1].error == "spool_unreadable" and got[1].raw.startswith('{"raw"')
