"""Offline import of what other tools write (Oxidized, RANCID, captures, plain configs, our own export
layout) through a real ingest into SQLite; configs that must not become current are refused and kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from collectors.platforms import load_profile
from inventory.db import session_scope
from inventory.models import CommandOutput, ConfigSnapshot, Device, DeviceResult, RejectedCapture
from inventory.offline import import_folder
from inventory.redact import redact
from tests.collectors.test_capture import capture_of

from .offline_util import rendered, small_db


@pytest.fixture
def db(tmp_path: Path):
    eng, devices = small_db(tmp_path)
    yield eng, {d.platform: d for d in devices}
    eng.dispose()


def _snapshots(eng, host: str) -> list[ConfigSnapshot]:
    with session_scope(eng) as s:
        dev = s.exec(select(Device).where(Device.hostname == host)).one()
        return list(s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)
                           .order_by(ConfigSnapshot.id)))


def _result(eng, run_id: int, host: str) -> DeviceResult:
    with session_scope(eng) as s:
        dev = s.exec(select(Device).where(Device.hostname == host)).one()
        return s.exec(select(DeviceResult).where(DeviceResult.run_id == run_id,
                                                 DeviceResult.device_id == dev.id)).one()


def test_a_capture_with_prompts_and_five_commands_imports_as_five_outputs(db, tmp_path: Path) -> None:
    eng, devs = db
    hw = devs["huawei_vrp"]
    folder = tmp_path / "captures"
    folder.mkdir()
    typed = {"version": "display version", "interfaces": "disp int", "lldp": "dis lldp neighbor",
             "arp": "display arp all", "config": "dis cur"}
    # named after nothing: the prompt says which device it is
    want = rendered(hw)
    (folder / "session-2026-11-20.log").write_text(capture_of(hw, typed, want), encoding="utf-8")
    report = import_folder(eng, folder)
    assert (report.total, report.ok, report.partial) == (1, 1, 0), report
    with session_scope(eng) as s:
        outs = s.exec(select(CommandOutput).where(CommandOutput.run_id == report.run_id)).all()
        prof = load_profile("huawei_vrp")
        assert sorted(o.command for o in outs) == sorted(prof.command(k).command for k in typed)
        by_cmd = {o.command: o.output for o in outs}
        for k in typed:
            assert by_cmd[prof.command(k).command].strip() == want[k].strip()
    snaps = _snapshots(eng, hw.hostname)
    assert len(snaps) == 1 and snaps[0].source == "import" and "sysname QHD-IMP-HW1" in snaps[0].text


def test_oxidized_rancid_plain_and_device_folders_mixed(db, tmp_path: Path) -> None:
    eng, devs = db
    folder = tmp_path / "saved"
    # Oxidized with groups: <group>/<node>, the file is the config
    (folder / "core").mkdir(parents=True)
    (folder / "core" / devs["huawei_vrp"].hostname).write_text(rendered(devs["huawei_vrp"])["config"], "utf-8")
    # RANCID configs/ (with RANCID's CVS folder next to the files)
    (folder / "rancid" / "configs" / "CVS").mkdir(parents=True)
    (folder / "rancid" / "configs" / "CVS" / "Entries").write_text("/x/1.1///\n", "utf-8")
    body = rendered(devs["cisco_ios"])["config"].split("\n", 3)[3]
    (folder / "rancid" / "configs" / devs["cisco_ios"].hostname).write_text(
        "!RANCID-CONTENT-TYPE: cisco\n!\n!Serial Number: FDO2207A1XY\n!Memory: main 3756000K\n!\n" + body, "utf-8")
    # a plain config named by its management address, another by nothing but its own hostname line
    (folder / f"{devs['hp_comware'].mgmt_address}.cfg").write_text(rendered(devs["hp_comware"])["config"], "gbk")
    (folder / "backup-0417.txt").write_text(rendered(devs["ruijie_os"])["config"], "utf-8")
    # our own export layout, one folder per device, with a stray file in it
    zte = devs["zte_zxros"]
    (folder / zte.hostname).mkdir()
    for key, text in rendered(zte).items():
        (folder / zte.hostname / f"{key}.txt").write_text(text, "utf-8")
    (folder / zte.hostname / "notes.md").write_text("who ran this", "utf-8")
    # what must be skipped, each with a warning naming it
    (folder / "README").write_text("configs pulled by the NOC\n", "utf-8")
    (folder / "photo.bin").write_bytes(bytes(range(256)) * 4)
    (folder / "QHD-NEW-SW9.cfg").write_text("#\n sysname QHD-NEW-SW9\n#\ninterface Vlanif10\n#\n"
                                            "user-interface vty 0 4\n#\nreturn\n", "utf-8")
    report = import_folder(eng, folder)
    assert report.total == report.ok == 5 and report.partial == 0, (report, report.warnings)
    skipped = "\n".join(report.skipped)
    for name in ("README", "photo.bin", "notes.md"):
        assert name in skipped, (name, skipped)
    assert "CVS" not in skipped  # RANCID's version control folder is not a device, nor noise worth a warning
    assert "QHD-NEW-SW9" in skipped and "not in the inventory" in skipped
    for d in devs.values():
        snaps = _snapshots(eng, d.hostname)
        assert len(snaps) == 1, d.hostname
    cisco = _snapshots(eng, devs["cisco_ios"].hostname)[0].text
    assert "RANCID" not in cisco and "Serial Number" not in cisco and cisco.rstrip().endswith("end")
    with session_scope(eng) as s:
        run = s.exec(select(DeviceResult).where(DeviceResult.run_id == report.run_id)).all()
        assert {r.status for r in run} == {"ok"}
        from inventory.models import CollectionRun

        assert any("README" in x for x in s.get(CollectionRun, report.run_id).params["skipped"])


def _import_config(eng, tmp: Path, host: str, text: str, name: str) -> int:
    folder = tmp / name
    folder.mkdir()
    (folder / host).write_text(text, encoding="utf-8")
    return import_folder(eng, folder).run_id


@pytest.mark.parametrize("kind", ["empty", "truncated", "masked", "too_large"])
@pytest.mark.parametrize("platform", ["huawei_vrp", "cisco_ios"])
def test_a_config_that_must_not_become_current_is_refused_and_kept(db, tmp_path: Path, kind: str, platform: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    eng, devs = db
    dev = devs[platform]
    good = rendered(dev)["config"]
    _import_config(eng, tmp_path, dev.hostname, good, "first")
    before = _snapshots(eng, dev.hostname)
    bad = {"empty": "", "truncated": good[: len(good) * 2 // 3], "masked": redact(good, platform),
           "too_large": good + "\n".join(f"! padding line {i}" for i in range(40_000)) + "\n" + good}[kind]
    if kind == "too_large":  # the limit is 16 MB; a smaller one keeps the test fast, the check is the same
        import collectors.validate as validate
        monkeypatch.setattr(validate, "MAX_CONFIG_BYTES", len(good) * 3)
    run_id = _import_config(eng, tmp_path, dev.hostname, bad, "second")
    assert _snapshots(eng, dev.hostname) == before  # the previous snapshot stays current
    r = _result(eng, run_id, dev.hostname)
    assert r.status == "partial" and r.error_code == "bad_output" and r.snapshot_id is None
    assert [w["code"] for w in r.warnings] == [kind]
    with session_scope(eng) as s:
        rej = s.exec(select(RejectedCapture).where(RejectedCapture.run_id == run_id)).one()
        assert rej.reason == kind and rej.source == "import" and rej.size == len(bad.encode())
        raw = s.get(CommandOutput, rej.command_output_id)
        assert raw.output == bad and raw.command == load_profile(platform).command("config").command


def test_a_truncated_config_over_ssh_is_refused_and_the_rest_stored(db) -> None:
    from collectors.engine import DeviceOutcome, RawOutput
    from inventory.collection import ingest
    from inventory.models import CollectionRun, CounterSample, TerminalCount

    eng, devs = db
    dev = devs["hp_comware"]
    prof = load_profile(dev.platform)
    out = rendered(dev)
    out["config"] = out["config"][: len(out["config"]) // 2]
    with session_scope(eng) as s:
        row = s.exec(select(Device).where(Device.hostname == dev.hostname)).one()
        run = CollectionRun(trigger="cli")
        s.add(run)
        s.flush()
        outcome = DeviceOutcome(dev.hostname, dev.platform, ok=True,
                                outputs={k: RawOutput(prof.command(k).command, v) for k, v in out.items()})
        r = ingest(s, run.id, row, outcome)
        assert (r.status, r.error_code, r.snapshot_id) == ("partial", "bad_output", None)
        assert r.warnings[0]["code"] == "truncated" and "return" in r.warnings[0]["message"]
        assert s.exec(select(RejectedCapture)).one().source == "ssh"
        assert len(s.exec(select(CounterSample).where(CounterSample.run_id == run.id)).all()) == 2
        assert s.exec(select(TerminalCount).where(TerminalCount.run_id == run.id)).one().mac_count > 0
