"""The poller against the lab's SNMP agent over real UDP on 127.0.0.1: v2c and v3 authPriv read the
model's live values; wrong secrets end in a stable code per device, fast."""

from __future__ import annotations

import asyncio

import pytest

from collectors.snmp.credentials import SnmpCredentials
from collectors.snmp.poller import PollSettings, PollTarget, SnmpPoller
from lab.model import LabDevice, LabInterface
from lab.snmp import LabSnmpAgent, SnmpLabOptions

OPTS = SnmpLabOptions(community="t-community-1", v3_user="tmon", auth_key="t-auth-key-99", priv_key="t-priv-key-99")
V2 = SnmpCredentials(community=OPTS.community)
V3 = SnmpCredentials(user=OPTS.v3_user, auth_key=OPTS.auth_key, priv_key=OPTS.priv_key)


def _devices() -> list[LabDevice]:
    return [LabDevice(hostname=f"T-SW-{n:02d}", platform="huawei_vrp", model="S5735", serial=f"S{n}",
                      os_version="V200R019",
                      interfaces=[LabInterface(name=f"GigabitEthernet0/0/{k}", speed_mbps=1000,
                                               in_octets=10**9 * n + k, out_octets=2 * 10**9 * n + k, up=k != 2)
                                  for k in range(1, 5)]) for n in range(1, 4)]


async def _poll(devs: list[LabDevice], creds: SnmpCredentials, mutate=None, timeout: float = 1.0):
    agent = LabSnmpAgent(devs, OPTS)
    await agent.start()
    poller = SnmpPoller(PollSettings(timeout=timeout, retries=0))
    try:
        targets = [PollTarget(d.hostname, *agent.endpoints[d.hostname], creds, [i.name for i in d.interfaces])
                   for d in devs]
        first = await poller.poll(targets)
        second = None
        if mutate:
            mutate(devs)
            second = await poller.poll(targets)
        return first, second
    finally:
        poller.close()
        agent.stop()


@pytest.mark.parametrize("creds", [V2, V3], ids=["v2c", "v3-authpriv"])
def test_reads_live_values(creds: SnmpCredentials) -> None:
    devs = _devices()

    def mutate(ds: list[LabDevice]) -> None:
        ds[0].interfaces[0].in_octets += 12345
        ds[0].interfaces[1].up = True

    first, second = asyncio.run(_poll(devs, creds, mutate))
    assert all(r.ok for r in first), [(r.hostname, r.error_code, r.error) for r in first]
    r0 = first[0]
    assert [x.name for x in r0.readings] == [i.name for i in devs[0].interfaces]
    g1 = r0.readings[0]
    assert (g1.in_octets, g1.out_octets, g1.speed_mbps, g1.oper_up) == (10**9 + 1, 2 * 10**9 + 1, 1000, True)
    assert r0.readings[1].oper_up is False and r0.readings[2].oper_up is True
    assert r0.uptime_cs and r0.uptime_cs > 30 * 86400 * 100 - 1000
    assert second[0].readings[0].in_octets == g1.in_octets + 12345
    assert second[0].readings[1].oper_up is True
    # the lab numbers ports after the first entries: the map was walked, not assumed
    assert g1.if_index != 1


@pytest.mark.parametrize(("creds", "code"), [
    (SnmpCredentials(community="not-the-community"), "snmp_timeout"),
    (SnmpCredentials(user=OPTS.v3_user, auth_key="wrong-auth-key", priv_key=OPTS.priv_key), "snmp_auth"),
    (SnmpCredentials(user="nobody-here", auth_key=OPTS.auth_key, priv_key=OPTS.priv_key), "snmp_auth"),
    (SnmpCredentials(user=OPTS.v3_user, auth_key=OPTS.auth_key, priv_key="wrong-priv-key"), "snmp_decrypt"),
], ids=["v2c-community", "v3-auth-key", "v3-user", "v3-priv-key"])
def test_wrong_secrets_give_a_stable_code_per_device(creds: SnmpCredentials, code: str) -> None:
    first, _ = asyncio.run(_poll(_devices(), creds, timeout=0.3))
    assert [r.error_code for r in first] == [code] * 3, [(r.error_code, r.error) for r in first]
    assert all(not r.readings for r in first)


@pytest.mark.parametrize("creds", [V2, V3], ids=["v2c", "v3-authpriv"])
def test_a_device_whose_management_plane_is_cut_times_out_alone(creds: SnmpCredentials) -> None:
    devs = _devices()

    def cut(ds: list[LabDevice]) -> None:
        ds[1].mute = True

    first, second = asyncio.run(_poll(devs, creds, cut, timeout=0.3))
    assert all(r.ok for r in first)
    assert [r.error_code for r in second] == [None, "snmp_timeout", None]


def test_repr_hides_keys() -> None:
    assert OPTS.auth_key not in repr(V3) and OPTS.priv_key not in repr(V3) and OPTS.community not in repr(V2)
    assert OPTS.auth_key not in repr(OPTS)


def test_reboot_rewalks_and_reports_lower_uptime() -> None:
    devs = _devices()

    def reboot(ds: list[LabDevice]) -> None:
        from collectors import clock

        ds[1].booted_at = clock.now()
        for i in ds[1].interfaces:
            i.in_octets = i.out_octets = 0

    first, second = asyncio.run(_poll(devs, V2, reboot))
    assert second[1].uptime_cs < first[1].uptime_cs
    assert second[1].readings[0].in_octets == 0


def test_a_held_clock_stamps_a_slow_round_with_its_one_instant() -> None:
    """The lab holds model time while a round runs (lab/year.py): on a clock compressed 500 000 times the
    agent's 0.3 s answer would be 40 model hours, and the readings would be stamped then."""
    import datetime as dt

    from collectors import clock

    at = dt.datetime(2022, 3, 1, 0, 0, tzinfo=dt.UTC)
    devs = _devices()
    slow = SnmpLabOptions(community=OPTS.community, delay_s=0.3)

    async def run():
        agent = LabSnmpAgent(devs, slow)
        await agent.start()
        poller = SnmpPoller(PollSettings(timeout=2.0, retries=0))
        try:
            targets = [PollTarget(d.hostname, *agent.endpoints[d.hostname], V2, [i.name for i in d.interfaces])
                       for d in devs]
            clock.use(clock.held(at))
            held = await poller.poll(targets)
            clock.use(clock.compressed(at, 500_000))
            running = await poller.poll(targets)
            return held, running
        finally:
            clock.use(None)
            poller.close()
            agent.stop()

    held, running = asyncio.run(run())
    assert all(r.ok for r in held + running), [(r.hostname, r.error) for r in held + running]
    assert {r.at for r in held} == {at}
    assert min(r.at for r in running) - at > dt.timedelta(hours=30)  # what the hold keeps out
    with pytest.raises(ValueError, match="held"):
        clock.held(at).wall_seconds(60)
    assert clock.held(at).now() == at and clock.held(at).held and not clock.compressed(at, 2).held
