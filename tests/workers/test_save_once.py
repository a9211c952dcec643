"""A device's result is saved once per run: a second delivery of the same outcome (a redelivered task, or a
commit that succeeded before the connection dropped) is discarded with everything it would have added."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from collectors.engine import DeviceOutcome
from inventory.collection import plan_run, save_outcome
from inventory.db import session_scope
from inventory.models import Alert, CommandOutput, Device, DeviceResult
from inventory.service import load_sample


def test_second_save_of_the_same_device_is_discarded(engine, monkeypatch) -> None:
    load_sample(engine)
    monkeypatch.setenv("EXTRANET_ALLOW_REMOTE", "1")  # planning only: nothing connects
    plan = plan_run(engine, only="QHD-CORE-SW1")
    device_id = plan.device_ids["QHD-CORE-SW1"]
    outcome = DeviceOutcome(hostname="QHD-CORE-SW1", platform="huawei_vrp", ok=False, error_code="auth",
                            error_message="authentication failed")
    first = save_outcome(engine, plan.run_id, device_id, outcome, worker="a")
    assert first is not None and first.status == "failed"
    assert save_outcome(engine, plan.run_id, device_id, outcome, worker="b") is None
    with session_scope(engine) as s:
        for model in (DeviceResult, Alert):
            assert s.exec(select(func.count()).select_from(model)).one() == 1, model
        assert s.exec(select(DeviceResult.worker)).one() == "a"
        assert s.exec(select(func.count()).select_from(CommandOutput)).one() == 0
        assert s.get(Device, device_id).hostname == "QHD-CORE-SW1"
