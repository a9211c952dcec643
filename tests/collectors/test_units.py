"""Small pieces: the incremental decoder, error classification, redaction, profiles."""

from __future__ import annotations

import pytest

from collectors.driver import IncrementalSSHChannel
from collectors.errors import CODES, classify
from collectors.platforms import ProfileError, load_profile, names
from inventory.redact import MASK, redact
from lab.personalities import personalities
from lab.spec import access_port_name


class _FakeConn:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def recv_ready(self) -> bool:
        return bool(self.chunks)

    def recv(self, n: int) -> bytes:
        return self.chunks.pop(0)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_split_multibyte_character_survives(encoding: str) -> None:
    data = " description 政务外网接入\n".encode(encoding)
    cut = data.index("外".encode(encoding)) + 1  # in the middle of a character
    chan = IncrementalSSHChannel(_FakeConn([data[:cut], data[cut:]]), encoding)
    assert chan.read_buffer() + chan.read_buffer() == data.decode(encoding)


def test_classify_maps_netmiko_exceptions() -> None:
    from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout

    assert classify(NetmikoAuthenticationException("x"), stage="connect").code == "auth"
    # what netmiko raises when paramiko's auth_timeout runs out: a slow login, retried, not a wrong password
    slow = NetmikoAuthenticationException("Authentication to device failed.\n\nAuthentication timeout.")
    assert classify(slow, stage="connect").code == "auth_timeout"
    assert classify(NetmikoTimeoutException("TCP connection to device failed."), stage="connect").code == "unreachable"
    assert classify(NetmikoTimeoutException("Incompatible ssh peer (no acceptable kex algorithm)"),
                    stage="connect").code == "legacy_crypto"
    assert classify(ReadTimeout("Pattern not detected"), stage="connect").code == "prompt"
    assert classify(ReadTimeout("x"), stage="command", alive=True).code == "timeout"
    assert classify(ReadTimeout("x"), stage="command", alive=False).code == "connection_lost"
    assert set(CODES) >= {"auth", "unreachable", "timeout", "prompt", "paging", "parse", "legacy_crypto"}


def test_redaction_keeps_the_keyword() -> None:
    text = (" local-user admin password irreversible-cipher $1c$abc$\n snmp-agent community read public\n"
            "username a privilege 15 secret 9 $9$xyz\n password hash $h$6$q==\n")
    shown = redact(text)
    assert "$1c$abc$" not in shown and "public" not in shown and "$9$xyz" not in shown and "$h$6$q==" not in shown
    assert shown.count(MASK) == 4 and "password irreversible-cipher" in shown


def test_unknown_platform_profile_names_the_known_ones() -> None:
    with pytest.raises(ProfileError, match="huawei_vrp"):
        load_profile("juniper_junos")


def test_every_platform_has_a_lab_access_port() -> None:
    # an imported device that declares terminals but has no LAN port gets this one in the lab
    assert set(personalities()) == set(names())
    assert all(access_port_name(p) for p in names())
