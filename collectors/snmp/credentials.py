"""SNMP credentials: from the environment or the secrets file, never from the database.

Environment: EXTRANET_SNMP_COMMUNITY (v2c), or EXTRANET_SNMP_V3_USER with _AUTH_KEY, _PRIV_KEY, _AUTH_PROTO
(sha|sha256|md5, default sha) and _PRIV_PROTO (aes128|aes256|des, default aes128): v3 wins when both are set.
Secrets file (EXTRANET_SECRETS_FILE, JSON) section `snmp`:
  {"community": "...", "v3": {"user", "auth_key", "priv_key", "auth_proto", "priv_proto"},
   "devices": {"HOST": {"community": ...} | {"v3": {...}}}}
A per-device entry overrides the default for that device. The environment overrides the file's default."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AUTH_PROTOCOLS = ("md5", "sha", "sha224", "sha256", "sha384", "sha512")
PRIV_PROTOCOLS = ("des", "3des", "aes128", "aes192", "aes256")


class CredentialsError(ValueError):
    """The secrets are missing or malformed; the message names the file/variable and the field."""


@dataclass(frozen=True)
class SnmpCredentials:
    """v2c when `community` is set, else v3 authPriv with `user`/keys. repr never shows a key."""

    community: str | None = None
    user: str | None = None
    auth_key: str | None = None
    priv_key: str | None = None
    auth_proto: str = "sha"
    priv_proto: str = "aes128"

    @property
    def version(self) -> str:
        return "v3" if self.user else "v2c"

    def __repr__(self) -> str:
        if self.user:
            return f"SnmpCredentials(v3 user={self.user!r} auth={self.auth_proto} priv={self.priv_proto}, keys=***)"
        return "SnmpCredentials(v2c community=***)"

    __str__ = __repr__


def _v3(data: Mapping[str, Any], where: str) -> SnmpCredentials:
    missing = [k for k in ("user", "auth_key", "priv_key") if not data.get(k)]
    if missing:
        raise CredentialsError(f"{where}: SNMPv3 needs {', '.join(missing)} (authPriv only)")
    auth = str(data.get("auth_proto") or "sha").lower()
    priv = str(data.get("priv_proto") or "aes128").lower()
    if auth not in AUTH_PROTOCOLS:
        raise CredentialsError(f"{where}: auth_proto {auth!r} is not one of {', '.join(AUTH_PROTOCOLS)}")
    if priv not in PRIV_PROTOCOLS:
        raise CredentialsError(f"{where}: priv_proto {priv!r} is not one of {', '.join(PRIV_PROTOCOLS)}")
    for k in ("auth_key", "priv_key"):
        if len(str(data[k])) < 8:
            raise CredentialsError(f"{where}: {k} must be at least 8 characters (RFC 3414)")
    return SnmpCredentials(user=str(data["user"]), auth_key=str(data["auth_key"]), priv_key=str(data["priv_key"]),
                           auth_proto=auth, priv_proto=priv)


def _entry(data: Mapping[str, Any], where: str) -> SnmpCredentials | None:
    if data.get("v3"):
        return _v3(data["v3"], f"{where} v3")
    if data.get("community"):
        return SnmpCredentials(community=str(data["community"]))
    return None


def load_snmp_credentials(secrets_file: str | None = None,
                          env: Mapping[str, str] | None = None) -> Callable[[str], SnmpCredentials]:
    """hostname → credentials. `secrets_file` defaults to EXTRANET_SECRETS_FILE."""
    env = os.environ if env is None else env
    path = secrets_file or env.get("EXTRANET_SECRETS_FILE")
    section: dict[str, Any] = {}
    if path:
        try:
            section = json.loads(Path(path).read_text(encoding="utf-8")).get("snmp") or {}
        except (OSError, ValueError, AttributeError) as exc:
            raise CredentialsError(f"cannot read the secrets file {path}: {exc}; expected JSON with an "
                                   "\"snmp\" section") from exc
    default = _entry(section, f"{path} snmp") if section else None
    if env.get("EXTRANET_SNMP_V3_USER"):
        default = _v3({"user": env.get("EXTRANET_SNMP_V3_USER"), "auth_key": env.get("EXTRANET_SNMP_V3_AUTH_KEY"),
                       "priv_key": env.get("EXTRANET_SNMP_V3_PRIV_KEY"),
                       "auth_proto": env.get("EXTRANET_SNMP_V3_AUTH_PROTO"),
                       "priv_proto": env.get("EXTRANET_SNMP_V3_PRIV_PROTO")}, "EXTRANET_SNMP_V3_*")
    elif env.get("EXTRANET_SNMP_COMMUNITY"):
        default = SnmpCredentials(community=env["EXTRANET_SNMP_COMMUNITY"])
    per: dict[str, SnmpCredentials] = {}
    for host, entry in (section.get("devices") or {}).items():
        creds = _entry(entry or {}, f"{path} snmp.devices.{host}")
        if creds is None:
            raise CredentialsError(f"{path} snmp.devices.{host}: expected a community or a v3 section")
        per[host] = creds
    if default is None and not per:
        raise CredentialsError("no SNMP credentials: set EXTRANET_SNMP_COMMUNITY or EXTRANET_SNMP_V3_USER/"
                               "_AUTH_KEY/_PRIV_KEY, or an \"snmp\" section in EXTRANET_SECRETS_FILE")

    def lookup(hostname: str) -> SnmpCredentials:
        found = per.get(hostname, default)
        if found is None:
            raise CredentialsError(f"no SNMP credentials for {hostname} and no default in {path}")
        return found

    return lookup
