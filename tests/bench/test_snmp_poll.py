"""snmp-poll: every circuit interface of the sample city (224 devices) polled over SNMP against the lab's
agent, which runs in its own process (its CPU is not the poller's). Value: the poller's CPU share of one core
for a 60 s interval = process CPU seconds of one steady round (ifIndex maps cached, samples stored) / 60.
Baseline, same process, same agent: a sequential pysnmp loop, one get_cmd per interface (its four OIDs +
sysUpTime) awaited one at a time; the ratio is its wall time over the concurrent poll's."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pysnmp.hlapi.v3arch.asyncio import ContextData, ObjectIdentity, ObjectType, UdpTransportTarget, get_cmd

from collectors.snmp import oids
from collectors.snmp.poller import SnmpPoller
from tests.bench._util import write_result

INTERVAL = 60


AGENT_DELAY = 0.005  # a router's agent answers in milliseconds (control-plane CPU), plus the WAN round trip


def _lab(tmp: Path, delay: float = 0.0) -> tuple[subprocess.Popen, dict, object]:
    from inventory.db import get_engine, session_scope
    from inventory.service import load_sample, prepare
    from lab.spec import build_lab_spec

    eng = get_engine(f"sqlite:///{tmp / 'x.db'}")
    prepare(eng)
    load_sample(eng)
    with session_scope(eng) as s:
        spec = build_lab_spec(s)
    (tmp / "spec.json").write_text(json.dumps(spec.to_dict(), ensure_ascii=False), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "lab.server", str(tmp / "spec.json"), str(tmp / "lab"), "--snmp",
                             "--snmp-delay", str(delay)],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    line = proc.stdout.readline()
    assert line.startswith("READY"), line
    return proc, json.loads((tmp / "lab" / "inventory.json").read_text(encoding="utf-8")), eng


async def _sequential(poller: SnmpPoller, targets) -> int:
    """The naive loop: one GET per interface, one at a time."""
    n = 0
    for t in targets:
        index = await poller.ifindex.get(poller, t)
        tgt = await UdpTransportTarget.create((t.host, t.port), timeout=2, retries=1)
        for name in t.interfaces:
            objs = [ObjectType(ObjectIdentity(oids.SYS_UPTIME))] + [
                ObjectType(ObjectIdentity(f"{col}.{index[name]}")) for col in oids.PER_INTERFACE]
            ind, status, _i, vbs = await get_cmd(poller.engine, poller.auth(t.credentials), tgt, ContextData(),
                                                 *objs, lookupMib=False)
            assert not ind and not status and len(vbs) == len(objs), ind
            n += 1
    return n


def _measure(tmp: Path, delay: float) -> dict:
    from collectors.snmp.credentials import load_snmp_credentials
    from inventory.db import session_scope
    from inventory.record.polling import poll_once
    from inventory.record.targets import build_targets

    tmp.mkdir(parents=True, exist_ok=True)
    proc, inv, eng = _lab(tmp, delay)
    try:
        poller = SnmpPoller()

        async def run() -> dict:
            first = await poll_once(eng, poller, lab_inventory=inv)  # walks ifName once per device
            assert first.ok == first.devices, first.failed
            cpu, wall = time.process_time(), time.perf_counter()
            steady = await poll_once(eng, poller, lab_inventory=inv)
            cpu_s, wall_s = time.process_time() - cpu, time.perf_counter() - wall
            assert steady.ok == steady.devices and steady.stored.deltas == steady.interfaces
            with session_scope(eng) as s:
                ts = build_targets(s, load_snmp_credentials(inv["credentials_file"]), inv)
            cpu, wall = time.process_time(), time.perf_counter()
            results = await poller.poll(ts.targets)
            poll_cpu, poll_wall = time.process_time() - cpu, time.perf_counter() - wall
            assert all(r.ok for r in results)
            versions = sorted({t.credentials.version for t in ts.targets})
            wall = time.perf_counter()
            n_seq = await _sequential(poller, ts.targets)
            seq_wall = time.perf_counter() - wall
            poller.close()  # inside the loop: the engine's transports belong to it
            return dict(devices=steady.devices, interfaces=steady.interfaces, round_cpu_s=cpu_s, round_wall_s=wall_s,
                        poll_cpu_s=poll_cpu, poll_wall_s=poll_wall, sequential_wall_s=seq_wall, sequential_gets=n_seq,
                        versions=versions)

        return asyncio.run(run())
    finally:
        proc.terminate()
        proc.wait(10)


def test_snmp_poll(tmp_path: Path) -> None:
    m = _measure(tmp_path / "loopback", 0.0)
    slow = _measure(tmp_path / "delayed", AGENT_DELAY)
    cpu_pct = 100 * m["round_cpu_s"] / INTERVAL
    speedup = m["sequential_wall_s"] / m["poll_wall_s"]
    res = write_result("snmp-poll", cpu_pct, "% of one core at 60 s", 25.0, higher_is_better=False,
                       speedup_vs_sequential=round(speedup, 2),
                       **{k: round(v, 3) for k, v in m.items() if k != "versions"},
                       cpu_count=os.cpu_count(), version="+".join(m["versions"]), agent_delay_s=AGENT_DELAY,
                       speedup_vs_sequential_with_agent_delay=round(slow["sequential_wall_s"] / slow["poll_wall_s"], 2),
                       with_agent_delay={k: round(v, 3) for k, v in slow.items() if k != "versions"},
                       baseline_method="ratio field: 25 % budget / measured share; speedup_vs_sequential: a "
                                       "sequential pysnmp get_cmd loop, one per interface, same engine and agent, "
                                       "on bare loopback (agent answers at once) and with the agent answering "
                                       "after agent_delay_s")
    print(res)
