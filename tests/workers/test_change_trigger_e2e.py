"""Issue 16's change-triggered collection, on real sockets and at wall speed: a device's config changes, it
sends its vendor's config-change message over syslog, the receiver stores it, the trigger collects the
device, and its new config, the diff against the previous one and the config-changed alert exist within
60 s of the change. One device per vendor whose config-change message the lab sends."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from sqlmodel import col, select

from collectors.syslog.receiver import ReceiverThread, SyslogReceiver
from inventory.collection import run_collection
from inventory.db import session_scope
from inventory.models import Alert, ConfigChangeEvent, ConfigSnapshot, Device, SyslogMessage
from inventory.record.syslog_store import SyslogStore
from lab.server import LabOptions, LabThread
from lab.spec import build_lab_spec
from tests.api.conftest import Api, clone
from workers.triggers import TriggerSettings
from workers.triggers import serve as trigger_forever

DEADLINE_S = 60.0


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, LabThread, dict, list[str]]]:
    api = clone("sqlite", tmp_path_factory)
    with session_scope(api.engine) as s:
        hosts = []
        for platform in ("huawei_vrp", "hp_comware", "cisco_ios"):
            d = s.exec(select(Device).where(Device.platform == platform, Device.unit_id.is_not(None))  # type: ignore[union-attr]
                       .order_by(Device.id)).first()
            if d is not None:
                hosts.append(d.hostname)
        spec = build_lab_spec(s, only=hosts)
    store = SyslogStore()
    receiver = ReceiverThread(SyslogReceiver(lambda batch: store(api.engine, batch),
                                             spool_dir=tmp_path_factory.mktemp("spool"), port=0, tcp=False)).start()
    host, port = receiver.receiver.udp_address  # type: ignore[misc]
    lab = LabThread(spec, LabOptions(syslog=f"udp://{host}:{port}")).start()
    inv = json.loads(lab.lab.write_files(tmp_path_factory.mktemp("lab")).read_text(encoding="utf-8"))
    for h in hosts:  # the configs the diffs are against
        first = run_collection(api.engine, only=h, lab_inventory=inv, trigger="test")
        assert first.ok == first.total == 1, h
    stop = threading.Event()
    ticker = threading.Thread(target=trigger_forever, args=(api.engine, stop, TriggerSettings(
        quiet_s=3, max_wait_s=20, lab_inventory=inv), 1.0), daemon=True)
    ticker.start()
    yield api, lab, inv, hosts
    stop.set()
    ticker.join(30)
    lab.stop()
    receiver.stop()
    api.client.close()
    api.engine.dispose()


@pytest.mark.parametrize("platform_index", [0, 1, 2])
def test_config_change_is_collected_within_a_minute(live, platform_index: int) -> None:
    api, lab, _inv, hosts = live
    if platform_index >= len(hosts):
        pytest.skip("the sample has no unit device of this platform")
    host = hosts[platform_index]
    with session_scope(api.engine) as s:
        dev = s.exec(select(Device).where(Device.hostname == host)).one()
        before = s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)
                        .order_by(col(ConfigSnapshot.id).desc())).first()
    assert before is not None
    began = time.monotonic()
    lab.call(lab.lab.change_config, host, "netops")
    event = None
    while time.monotonic() - began < DEADLINE_S:
        with session_scope(api.engine) as s:
            event = s.exec(select(ConfigChangeEvent).where(ConfigChangeEvent.device_id == dev.id,
                                                           col(ConfigChangeEvent.snapshot_id).is_not(None))
                           .order_by(col(ConfigChangeEvent.id).desc())).first()
            if event is not None and event.snapshot_id != before.id:
                snap = s.get(ConfigSnapshot, event.snapshot_id)
                msg = s.get(SyslogMessage, event.message_id)
                alert = s.exec(select(Alert).where(Alert.kind == "config_changed", Alert.run_id == event.run_id,
                                                   Alert.device_id == dev.id)).first()
                break
        time.sleep(0.5)
    else:
        pytest.fail(f"{host}: no new config within {DEADLINE_S:.0f} s of the change")
    print(f"{host}: new config, diff and alert {time.monotonic() - began:.1f} s after the change")
    assert event.user == "netops" and msg is not None and msg.device_id == dev.id
    assert snap is not None and snap.previous_id == before.id and "changed-" in snap.text
    assert alert is not None, "the config-changed alert of the triggered run"
