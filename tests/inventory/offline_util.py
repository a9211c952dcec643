"""A five-device inventory, one per platform (our own names and addresses), and each device's outputs as
the lab renders them: what the offline-import and never-lose tests read, without a lab or the city."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.engine import Engine

from collectors.platforms import load_profile
from lab.model import LabDevice, LabInterface, LabLogEvent, LabNeighbor
from lab.personalities import personality

T0 = dt.datetime(2026, 11, 20, 1, 2, 3, tzinfo=dt.UTC)


def _ifaces(rows: list[tuple[str, str, str | None]], seed: int) -> list[LabInterface]:
    return [LabInterface(name=n, description=d, ip=ip, up=True, speed_mbps=1000,
                         in_octets=(seed + 1) * 7_340_033 * (k + 1), out_octets=(seed + 3) * 5_242_877 * (k + 1),
                         in_errors=k, out_errors=0) for k, (n, d, ip) in enumerate(rows)]


def lab_devices() -> list[LabDevice]:
    def dev(host: str, platform: str, model: str, os: str, addr: str, names: list[str], seed: int,
            peer: tuple[str, str]) -> LabDevice:
        rows = [(names[0], f"to {peer[0]}", f"10.7.{seed}.1/30"), (names[1], "终端接入", f"10.107.{seed}.1/24")]
        return LabDevice(hostname=host, platform=platform, model=model, serial=f"SN7{seed:04d}", os_version=os,
                         role="aggregation", mgmt_address=addr, interfaces=_ifaces(rows, seed),
                         neighbors=[LabNeighbor(names[0], peer[0], peer[1])], terminals=5 + seed,
                         lan_prefix=f"10.107.{seed}",
                         log_events=[LabLogEvent(T0 + dt.timedelta(minutes=seed), names[0], "down"),
                                     LabLogEvent(T0 + dt.timedelta(minutes=seed + 2), names[0], "up")])

    return [
        dev("QHD-IMP-HW1", "huawei_vrp", "S5735-S48T4X", "V200R019C10SPC500", "10.254.7.1",
            ["XGigabitEthernet0/0/1", "GigabitEthernet0/0/2"], 1, ("QHD-IMP-H3C1", "Ten-GigabitEthernet1/0/1")),
        dev("QHD-IMP-H3C1", "hp_comware", "S6520X-30QC-EI", "7.1.070", "10.254.7.2",
            ["Ten-GigabitEthernet1/0/1", "GigabitEthernet1/0/2"], 2, ("QHD-IMP-HW1", "XGigabitEthernet0/0/1")),
        dev("U071-IMP-R1", "cisco_ios", "ISR4331/K9", "16.9.5", "10.254.7.3",
            ["GigabitEthernet0/0/0", "GigabitEthernet0/0/1"], 3, ("QHD-IMP-HW1", "GigabitEthernet0/0/3")),
        dev("qhd-imp-rj1", "ruijie_os", "RG-S5750-48GT4XS-HP-H", "11.0(5)B9P59", "10.254.7.4",
            ["TenGigabitEthernet 0/49", "GigabitEthernet 0/24"], 4, ("QHD-IMP-HW1", "XGigabitEthernet0/0/4")),
        dev("qhd-imp-zte1", "zte_zxros", "ZXR10 5960-52TM-HC", "V5.00.10.40", "10.254.7.5",
            ["xgei-1/1/0/49", "gei-1/1/0/24"], 5, ("QHD-IMP-HW1", "XGigabitEthernet0/0/5")),
    ]


def rendered(dev: LabDevice) -> dict[str, str]:
    """profile key -> output, for every command an SSH collection runs."""
    persona = personality(dev.platform)
    return {c.key: persona.render(c.key, dev) for c in load_profile(dev.platform).collected}


def small_db(tmp: Path) -> tuple[Engine, list[LabDevice]]:
    """A migrated SQLite database holding the five devices and their interfaces."""
    from inventory.db import get_engine, session_scope
    from inventory.models import Device, Interface, Room
    from inventory.service import prepare

    eng = get_engine(f"sqlite:///{tmp / 'offline.db'}")
    prepare(eng)
    devices = lab_devices()
    with session_scope(eng) as s:
        room = Room(code="IMP", name="导入测试机房")
        s.add(room)
        s.flush()
        for d in devices:
            row = Device(hostname=d.hostname, platform=d.platform, vendor=d.platform.split("_")[0], role=d.role,
                         room_id=room.id, mgmt_address=d.mgmt_address)
            s.add(row)
            s.flush()
            for i in d.interfaces:
                s.add(Interface(device_id=row.id, name=i.name))
    return eng, devices
