"""Ruijie RGOS and ZTE ZXROS end to end: a small lab spec of both vendors (built directly, not from the
sample city) is served over real SSH, collected by the engine with the platforms' netmiko driver
subclasses, parsed with the platforms' templates, and compared with what the lab was told to serve."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from collectors.driver import _Fast, driver_class
from collectors.engine import Credentials, Settings, Target, collect_all, collect_device
from collectors.parse import normalise, parse_outputs
from collectors.platforms import load_profile
from collectors.platforms.ruijie_os import Driver as FastRuijieSSH
from collectors.platforms.zte_zxros import Driver as FastZteSSH
from inventory.redact import MASK, redact
from lab.model import LabSpec
from lab.render import access_port, render_config, secrets_for
from lab.server import LabOptions, LabThread

from .extra_spec import build_spec


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[LabSpec, LabThread, dict]]:
    spec = build_spec()
    lab = LabThread(spec, LabOptions()).start()
    try:
        yield spec, lab, dict(lab.lab.endpoints)
    finally:
        lab.stop()


def _target(lab: LabThread, host: str, platform: str) -> Target:
    addr, port = lab.lab.endpoints[host]
    return Target(hostname=host, platform=platform, host=addr, port=port)


def _creds(lab: LabThread) -> Credentials:
    return Credentials(lab.lab.options.username, lab.lab.options.password)


def test_drivers_registered() -> None:
    assert driver_class("ruijie_os") is FastRuijieSSH and driver_class("zte_zxros") is FastZteSSH
    for platform in ("ruijie_os", "zte_zxros"):
        assert load_profile(platform).driver == platform and issubclass(driver_class(platform), _Fast)


def test_collected_facts_equal_what_the_lab_served(served: tuple[LabSpec, LabThread, dict]) -> None:
    spec, lab, _ = served
    targets = [_target(lab, d.hostname, d.platform) for d in spec.devices]
    outcomes = {o.hostname: o for o in collect_all(targets, lambda t: _creds(lab), Settings(concurrency=4))}
    assert {h for h, o in outcomes.items() if o.ok} == {d.hostname for d in spec.devices}, \
        {h: (o.error_code, o.error_message) for h, o in outcomes.items()}
    for dev in spec.devices:
        o = outcomes[dev.hostname]
        prof = load_profile(dev.platform)
        assert set(o.outputs) == {c.key for c in prof.collected}
        f = parse_outputs(dev.platform, {k: v.text for k, v in o.outputs.items()})
        assert (f.model, f.os_version, f.serial) == (dev.model, dev.os_version, dev.serial), dev.hostname
        got = {i.name: i for i in f.interfaces}
        assert list(got) == [i.name for i in dev.interfaces], dev.hostname
        for i in dev.interfaces:
            g = got[i.name]
            assert (g.up, g.description, g.ip) == (i.up, i.description, i.ip), (dev.hostname, i.name)
            assert (g.in_octets, g.out_octets, g.in_errors, g.out_errors) == \
                (i.in_octets, i.out_octets, i.in_errors, i.out_errors), (dev.hostname, i.name)
        assert [(n.local_interface, n.neighbor, n.neighbor_interface) for n in f.neighbors] == \
            [(n.local_interface, n.neighbor, n.neighbor_interface) for n in dev.neighbors], dev.hostname
        want = dev.terminals if access_port(dev) else 0
        assert (f.mac_count, f.arp_count) == (want, want), dev.hostname
        assert sorted((e.at, e.interface, e.state) for e in f.events) == \
            sorted((e.at, e.interface, e.state) for e in dev.log_events), dev.hostname
        # the stored config is the rendered one, scrubbed of its volatile lines, ending in `end`
        assert f.config is not None and f.config.rstrip().endswith("end")
        assert f"hostname {dev.hostname}" in f.config
        assert "Current configuration :" not in f.config and "Building configuration" not in f.config


def test_config_hash_is_stable_across_collections(served: tuple[LabSpec, LabThread, dict]) -> None:
    spec, lab, _ = served
    dev = spec.devices[0]
    hashes = set()
    for _ in range(2):
        o = collect_device(_target(lab, dev.hostname, dev.platform), _creds(lab), Settings())
        assert o.ok, o.error_message
        hashes.add(parse_outputs(dev.platform, {"config": o.outputs["config"].text}).config_sha256)
    assert len(hashes) == 1


@pytest.mark.parametrize("platform", ["ruijie_os", "zte_zxros"])
def test_paging_refused_is_a_paging_error(platform: str) -> None:
    spec = build_spec()
    dev = next(d for d in spec.devices if d.platform == platform)
    dev.fault = "paging_stuck"
    lab = LabThread(LabSpec(devices=[dev]), LabOptions()).start()
    try:
        o = collect_device(_target(lab, dev.hostname, platform), _creds(lab), Settings(read_timeout=5, attempts=1))
    finally:
        lab.stop()
    assert not o.ok and o.error_code == "paging", (o.error_code, o.error_message)


@pytest.mark.parametrize("platform", ["ruijie_os", "zte_zxros"])
def test_rendered_secrets_are_masked(platform: str) -> None:
    for dev in build_spec().devices:
        if dev.platform != platform:
            continue
        text = render_config(dev)
        shown = redact(text, platform)
        for name, value in secrets_for(dev).items():
            assert value in text, name
            assert value not in shown, (dev.hostname, name)
        assert MASK in shown
        assert re.search(r"password policy min-size 8", shown) or platform == "zte_zxros"


@pytest.mark.parametrize(("platform", "short", "long"), [
    ("ruijie_os", "Gi0/24", "GigabitEthernet 0/24"), ("ruijie_os", "Te0/49", "TenGigabitEthernet 0/49"),
    ("ruijie_os", "GigabitEthernet 0/24", "GigabitEthernet 0/24"), ("ruijie_os", "Ag1", "AggregatePort 1"),
    ("zte_zxros", "xgei-1/1/0/49", "xgei-1/1/0/49"), ("zte_zxros", "loopback1", "loopback1"),
    ("zte_zxros", "smartgroup2", "smartgroup2"),
])
def test_interface_names_keep_the_vendor_form(platform: str, short: str, long: str) -> None:
    assert normalise(load_profile(platform), short) == long
