"""Text a lab device answers with, by its platform's personality (`lab/personalities/NAME.py`).

This module only dispatches; what a platform prints lives in its personality, and what they share in
`lab.personalities.base`."""

from __future__ import annotations

from lab.model import LabDevice

from .personalities import personality
from .personalities.base import access_port

KEYS = ("config", "version", "serial", "interfaces", "lldp", "arp", "mac", "log")


def render(key: str, dev: LabDevice) -> str:
    """The output of the profile command `key` (config, version, serial, ...) on `dev`."""
    return personality(dev.platform).render(key, dev)


def render_config(dev: LabDevice) -> str:
    return render("config", dev)


def render_version(dev: LabDevice) -> str:
    return render("version", dev)


def render_serial(dev: LabDevice) -> str:
    return render("serial", dev)


def render_interfaces(dev: LabDevice) -> str:
    return render("interfaces", dev)


def render_lldp(dev: LabDevice) -> str:
    return render("lldp", dev)


def render_arp(dev: LabDevice) -> str:
    return render("arp", dev)


def render_mac(dev: LabDevice) -> str:
    return render("mac", dev)


def render_log(dev: LabDevice) -> str:
    return render("log", dev)


def secrets_for(dev: LabDevice) -> dict[str, str]:
    """The secret strings the device's config carries (realistic shapes, deterministic per device)."""
    return personality(dev.platform).secrets_for(dev)


def short_name(platform: str, name: str) -> str:
    """The abbreviation each vendor prints in tables (MAC/ARP/LLDP)."""
    return personality(platform).short(name)


__all__ = ["KEYS", "access_port", "render", "render_arp", "render_config", "render_interfaces", "render_lldp",
           "render_log", "render_mac", "render_serial", "render_version", "secrets_for", "short_name"]
