"""The lab sends syslog as real devices do, and what it sends reads with the product's parser: the parser was
written from public captures of each vendor, so this is the check that the lab follows the real layouts,
not the other way round."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from sqlmodel import Session

from collectors.platforms import names as platform_names
from lab.model import LabSpec
from lab.personalities.hp_comware import generation as comware_generation
from lab.personalities.huawei_vrp import generation as vrp_generation
from lab.server import LabOptions, LabThread
from lab.spec import build_lab_spec
from lab.syslog import SyslogTarget
from tests.collectors.extra_spec import build_spec as build_extra

AT = dt.datetime(2022, 8, 3, 10, 0, 7, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def spec(sample_sqlite):
    with Session(sample_sqlite) as s:
        return build_lab_spec(s)


def _one_of_each(spec) -> list:
    """A device of every platform, and of every layout generation the personalities render."""
    seen: dict[tuple[str, str], object] = {}
    for d in spec.devices:
        gen = (vrp_generation(d) if d.platform == "huawei_vrp" else comware_generation(d)
               if d.platform == "hp_comware" else "")
        seen.setdefault((d.platform, gen), d)
    return list(seen.values())


def _udp() -> tuple[socket.socket, str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    return sock, f"udp://127.0.0.1:{sock.getsockname()[1]}"


def test_every_platform_sends_what_the_parser_reads(spec) -> None:
    from collectors.syslog.messages import parse

    both = LabSpec(devices=spec.devices + build_extra().devices)  # the city has no Ruijie or ZTE device
    devices = _one_of_each(both)
    assert {d.platform for d in devices} == set(platform_names())
    sock, target = _udp()
    lab = LabThread(both, LabOptions(syslog=target)).start()
    try:
        for dev in devices:
            iface = next(i for i in dev.interfaces if not i.name.lower().startswith(("loop", "null", "vlan")))
            lab.call(lab.lab.flip_link, dev.hostname, iface.name, "down", AT)
            line = sock.recv(65536)
            msg = parse(line, received_at=AT.astimezone(dt.UTC) + dt.timedelta(seconds=1), source_addr="127.0.0.1")
            where = f"{dev.platform} {dev.hostname}: {line!r}"
            assert msg.error is None, where
            assert (msg.kind, msg.state, msg.interface_name) == ("link", "down", iface.name), where
            assert msg.occurred_at == AT.astimezone(dt.UTC), where
            assert msg.hostname == dev.hostname, where
            assert msg.platform == dev.platform, where
            lab.call(lab.lab.change_config, dev.hostname, "netops", AT)
            try:
                line = sock.recv(65536)
            except TimeoutError:
                continue  # a platform whose config-change message no public capture shows: the lab sends none
            msg = parse(line, received_at=AT.astimezone(dt.UTC), source_addr="127.0.0.1")
            assert (msg.kind, msg.user) == ("config_change", "netops"), f"{dev.platform}: {line!r}"
    finally:
        lab.stop()
        sock.close()


def test_tcp_sender_holds_lines_until_the_collector_is_back(spec) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nobody listens yet
    lab = LabThread(spec, LabOptions(syslog=f"tcp://127.0.0.1:{port}")).start()
    try:
        dev = spec.devices[0]
        iface = dev.interfaces[0].name
        for state in ("down", "up", "down"):
            lab.call(lab.lab.flip_link, dev.hostname, iface, state, AT)
        assert lab.lab.syslog is not None and lab.lab.syslog.flush() == 3
        server = socket.socket()
        server.bind(("127.0.0.1", port))
        server.listen()
        server.settimeout(5)
        assert lab.call(lab.lab.syslog.flush) == 0
        conn, _ = server.accept()
        conn.settimeout(5)
        data = b""
        while data.count(b"<") < 3:
            data += conn.recv(65536)
        # RFC 6587 octet counting: each frame is "LEN SP MSG"
        frames = []
        while data:
            n, _, rest = data.partition(b" ")
            frames.append(rest[:int(n)])
            data = rest[int(n):]
        assert len(frames) == 3 and all(f.startswith(b"<") for f in frames)
        conn.close()
        server.close()
    finally:
        lab.stop()


def test_target_errors_name_the_expected_form() -> None:
    assert SyslogTarget.parse("tcp://127.0.0.1:5514").url == "tcp://127.0.0.1:5514"
    assert SyslogTarget.parse("127.0.0.1:514").transport == "udp"
    with pytest.raises(ValueError, match="udp://HOST:PORT"):
        SyslogTarget.parse("ftp://x:1")


def test_a_muted_device_numbers_its_messages_but_none_arrive(spec) -> None:
    sock, target = _udp()
    sock.settimeout(0.5)
    lab = LabThread(spec, LabOptions(syslog=target)).start()
    try:
        dev = spec.devices[0]
        iface = dev.interfaces[0].name
        dev.mute = True
        lab.call(lab.lab.flip_link, dev.hostname, iface, "down", AT)
        with pytest.raises(TimeoutError):
            sock.recv(65536)
        dev.mute = False
        lab.call(lab.lab.flip_link, dev.hostname, iface, "up", AT)
        assert sock.recv(65536)
        assert lab.lab.syslog is not None and (lab.lab.syslog.lost_muted, lab.lab.syslog.sent) == (1, 1)
    finally:
        dev.mute = False
        lab.stop()
        sock.close()
