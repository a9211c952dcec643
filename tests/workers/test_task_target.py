"""A worker refuses a queue message that does not describe the inventory's device: whoever can write to
the broker must not be able to send device credentials to a host of their choosing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from inventory.collection import check_task_target
from inventory.db import session_scope
from inventory.errors import ExtranetError
from inventory.models import Device


def _target(d: Device, **over: object) -> dict[str, object]:
    return {"hostname": d.hostname, "platform": d.platform, "host": d.mgmt_address, "port": d.mgmt_port, **over}


def test_task_must_match_the_inventory(sample_sqlite, monkeypatch) -> None:
    with session_scope(sample_sqlite) as s:
        d = s.exec(select(Device).where(Device.hostname == "QHD-CORE-SW1")).one()
        # a lab task: the lab's own loopback address and port are fine
        check_task_target(s, d.id, _target(d, host="127.0.0.1", port=40001), lab=True)
        with pytest.raises(ExtranetError, match="only connect to 127"):
            check_task_target(s, d.id, _target(d, host="192.0.2.7", port=22), lab=True)
        monkeypatch.setenv("EXTRANET_ALLOW_REMOTE", "1")  # still refused: lab credentials never leave loopback
        with pytest.raises(ExtranetError, match="only connect to 127"):
            check_task_target(s, d.id, _target(d, host="192.0.2.7", port=22), lab=True)
        # a production task must name the inventory's management address and port
        check_task_target(s, d.id, _target(d), lab=False)
        with pytest.raises(ExtranetError, match="not the inventory's"):
            check_task_target(s, d.id, _target(d, host="192.0.2.7"), lab=False)
        monkeypatch.delenv("EXTRANET_ALLOW_REMOTE")
        with pytest.raises(ExtranetError, match="remote collection is not allowed"):
            check_task_target(s, d.id, _target(d), lab=False)  # 10.x: remote, not allowed by default
        with pytest.raises(ExtranetError, match="not the inventory's device"):
            check_task_target(s, d.id, _target(d, hostname="QHD-CORE-SW2"), lab=True)
        with pytest.raises(ExtranetError, match="not the inventory's device"):
            check_task_target(s, 10**9, _target(d), lab=True)
