"""What the per-platform layout tests share: a lab device of a given generation, and the check that the
collector reads back exactly what the lab was told to serve."""

from __future__ import annotations

import datetime as dt

from collectors.parse import Facts, normalise, parse_outputs
from collectors.platforms import load_profile
from lab.model import LabDevice, LabInterface, LabLogEvent, LabNeighbor
from lab.personalities import personality

T0 = dt.datetime(2026, 11, 20, 1, 2, 3, tzinfo=dt.UTC)


def device(platform: str, model: str, release: str, ports: tuple[str, str, str], n: int) -> LabDevice:
    """An uplink with counters past 2^32, an access port that is shut, a loopback; one LLDP neighbour with a
    management address, terminals, and a down/up pair of log events."""
    up, access, loop = ports
    return LabDevice(
        hostname=f"U09{n}-LAYOUT1", platform=platform, model=model, serial=f"LAYOUT{n:04d}SN", os_version=release,
        interfaces=[LabInterface(up, "上联 QHD-CORE-SW1", f"10.250.9{n}.2/30", 10000, True,
                                 2**33 + 12_345 * n, 2**35 + 777 * n, n, n % 2),
                    LabInterface(access, "终端接入 局域网", f"10.100.9{n}.1/24", 1000, False, 4_321, 8_765, 0, 0),
                    LabInterface(loop, "management", f"10.255.9{n}.1/32", None, True)],
        neighbors=[LabNeighbor(up, "QHD-CORE-SW1", "XGigabitEthernet0/0/7", mgmt_address="10.255.0.1")],
        terminals=4 + n, lan_prefix=f"10.100.9{n}",
        log_events=[LabLogEvent(T0, access, "down"), LabLogEvent(T0 + dt.timedelta(minutes=5), up, "up")])


def served_and_read(dev: LabDevice) -> Facts:
    """Every collected command rendered by the device's personality, then parsed as a collection would."""
    persona = personality(dev.platform)
    return parse_outputs(dev.platform, {c.key: persona.render(c.key, dev)
                                        for c in load_profile(dev.platform).collected})


def assert_reads_the_truth(dev: LabDevice, f: Facts) -> None:
    prof, persona = load_profile(dev.platform), personality(dev.platform)
    assert f.issues == []
    assert (f.model, f.os_version, f.serial) == (dev.model, dev.os_version, dev.serial)
    got = {i.name: (i.up, i.ip, i.in_octets, i.out_octets, i.in_errors, i.out_errors) for i in f.interfaces}
    assert got == {normalise(prof, i.name): (i.up, i.ip, i.in_octets, i.out_octets, i.in_errors, i.out_errors)
                   for i in dev.interfaces}
    want = {(normalise(prof, n.local_interface), n.neighbor, n.neighbor_interface, persona.mac(n.neighbor, "base"),
             n.mgmt_address) for n in dev.neighbors}
    lldp = {(n.local_interface, n.neighbor, n.neighbor_interface, n.chassis_id, n.mgmt_address)
            for n in f.neighbors if n.protocol == "lldp"}
    assert lldp == want
    # the access port is shut, so LLDP names no uplink among the terminals' ports: every terminal counts
    assert (f.mac_count, f.arp_count) == (dev.terminals, dev.terminals)
    assert sorted((e.at, e.interface, e.state) for e in f.events) == sorted(
        (e.at, normalise(prof, e.interface), e.state) for e in dev.log_events)
