"""SNMP credentials come from the environment or the secrets file, per device overrides, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.snmp.credentials import CredentialsError, load_snmp_credentials


def _file(tmp_path: Path, snmp: dict) -> str:
    p = tmp_path / "secrets.json"
    p.write_text(json.dumps({"username": "u", "password": "p", "snmp": snmp}))
    return str(p)


def test_file_default_and_per_device(tmp_path: Path) -> None:
    path = _file(tmp_path, {"v3": {"user": "nms", "auth_key": "auth-key-1", "priv_key": "priv-key-1"},
                            "devices": {"OLD-SW": {"community": "old-comm"}}})
    get = load_snmp_credentials(env={"EXTRANET_SECRETS_FILE": path})
    assert get("ANY").version == "v3" and get("ANY").auth_proto == "sha" and get("ANY").priv_proto == "aes128"
    assert get("OLD-SW").community == "old-comm"
    assert "auth-key-1" not in repr(get("ANY")) and "old-comm" not in str(get("OLD-SW"))


def test_environment_overrides_the_file_default(tmp_path: Path) -> None:
    path = _file(tmp_path, {"community": "file-comm"})
    env = {"EXTRANET_SECRETS_FILE": path, "EXTRANET_SNMP_V3_USER": "envu", "EXTRANET_SNMP_V3_AUTH_KEY": "env-auth-k",
           "EXTRANET_SNMP_V3_PRIV_KEY": "env-priv-k", "EXTRANET_SNMP_V3_PRIV_PROTO": "aes256"}
    c = load_snmp_credentials(env=env)("X")
    assert (c.user, c.priv_proto) == ("envu", "aes256")
    assert load_snmp_credentials(env={"EXTRANET_SNMP_COMMUNITY": "c1"})("X").community == "c1"


@pytest.mark.parametrize(("snmp", "words"), [
    ({"v3": {"user": "nms", "auth_key": "auth-key-1"}}, "priv_key"),
    ({"v3": {"user": "nms", "auth_key": "short", "priv_key": "priv-key-1"}}, "at least 8"),
    ({"v3": {"user": "nms", "auth_key": "auth-key-1", "priv_key": "priv-key-1", "priv_proto": "rot13"}}, "priv_proto"),
    ({"community": "c", "devices": {"SW-9": {}}}, "snmp.devices.SW-9"),
])
def test_bad_secrets_name_the_field(tmp_path: Path, snmp: dict, words: str) -> None:
    with pytest.raises(CredentialsError, match=words):
        load_snmp_credentials(env={"EXTRANET_SECRETS_FILE": _file(tmp_path, snmp)})


def test_nothing_configured() -> None:
    with pytest.raises(CredentialsError, match="EXTRANET_SNMP_COMMUNITY"):
        load_snmp_credentials(env={})
