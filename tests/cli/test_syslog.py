"""`extranet syslog` and the receiver embedded in `extranet serve`, wired to this install's database.
The parsing side is replaced by the stand-ins of tests/collectors/syslog_doubles.py."""

from __future__ import annotations

import socket

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from cli import app
from cli.syslog import start_embedded
from collectors.syslog import receiver as receiver_module
from inventory.db import get_engine, session_scope
from inventory.models import SyslogMessage
from inventory.service import prepare
from tests.collectors.syslog_doubles import LineFramer, datagram, line, parse, send_tcp, wait_for


@pytest.fixture(autouse=True)
def doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(receiver_module, "_default_framer", lambda _max: LineFramer)
    monkeypatch.setattr(receiver_module, "_default_datagram", lambda: datagram)
    monkeypatch.setattr(receiver_module, "_default_parse", lambda: parse)
    prepare()


def test_syslog_command_prints_where_it_listens_and_its_counters() -> None:
    out = CliRunner().invoke(app, ["syslog", "--port", "0", "--duration", "0.3", "--every", "0.1"])
    assert out.exit_code == 0, out.output
    assert "receiving on udp 127.0.0.1:" in out.output and ", tcp 127.0.0.1:" in out.output
    assert "received 0 (udp 0, tcp 0)" in out.output and "stopping" in out.output


def test_syslog_command_on_a_taken_port_is_one_clear_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        out = CliRunner().invoke(app, ["syslog", "--port", str(taken.getsockname()[1]), "--no-tcp",
                                       "--duration", "0"])
    assert out.exit_code != 0
    assert "cannot listen on 127.0.0.1" in str(out.exception)


def test_embedded_receiver_stores_into_the_installs_database() -> None:
    rt = start_embedded("127.0.0.1", 0)
    assert rt is not None
    send_tcp(rt.receiver.tcp_address, [line(1, host="u023-ar1"), line(2)])
    wait_for(lambda: rt.receiver.counters.stored == 2, what="2 stored")
    rt.stop()
    with session_scope(get_engine()) as s:
        rows = s.exec(select(SyslogMessage).order_by(SyslogMessage.sequence)).all()
    assert [(r.hostname, r.sequence, r.transport) for r in rows] == [("u023-ar1", 1, "tcp"), ("qhd-core-r1", 2, "tcp")]


def test_embedded_receiver_on_a_taken_port_says_so_in_one_line_and_serve_goes_on(capsys) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        assert start_embedded("127.0.0.1", taken.getsockname()[1]) is None
    err = capsys.readouterr().err
    assert "syslog: not receiving on 127.0.0.1:" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # one message (rich may fold it on a narrow terminal)


def test_serve_offers_the_syslog_options() -> None:
    out = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert out.exit_code == 0
    for opt in ("--syslog", "--no-syslog", "--syslog-host", "--syslog-port"):
        assert opt in out.output
