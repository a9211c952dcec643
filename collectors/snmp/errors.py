"""Stable error codes of one device's SNMP poll (documented in docs/telemetry.md, "SNMP polling"), like collection's."""

from __future__ import annotations

CODES = {
    "snmp_timeout": "no answer in time (on v2c a wrong community looks exactly like this: the agent stays silent)",
    "snmp_auth": "SNMPv3: the agent does not know the user, or the authentication key is wrong (digest report)",
    "snmp_decrypt": "SNMPv3: the agent could not decrypt the request (wrong privacy key or protocol)",
    "snmp_no_such": "the agent does not have an asked OID (noSuchObject / noSuchInstance)",
    "snmp_error": "the agent answered with an error status, or another SNMP failure",
    "snmp_no_interface": "none of the device's interfaces was found in its ifName/ifDescr",
}


class SnmpError(Exception):
    def __init__(self, code: str, message: str) -> None:
        assert code in CODES, code
        super().__init__(message)
        self.code = code
        self.message = message


def classify(indication: object) -> SnmpError:
    """Map a pysnmp error indication (an `errind.ErrorIndication` instance) to a stable code."""
    name = type(indication).__name__
    text = str(indication)
    if name == "RequestTimedOut":
        return SnmpError("snmp_timeout", "no SNMP response before the timeout")
    if name in ("UnknownUserName", "WrongDigest", "AuthenticationFailure", "AuthenticationError",
                "UnknownSecurityName", "UnsupportedSecurityLevel", "NotInTimeWindow"):
        return SnmpError("snmp_auth", f"SNMPv3 authentication refused: {text}")
    if name in ("DecryptionError", "EncryptionError"):
        return SnmpError("snmp_decrypt", f"SNMPv3 privacy failed: {text}")
    return SnmpError("snmp_error", f"{name}: {text}")
