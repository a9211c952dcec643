"""Import is one transaction with located errors; export then import gives the same inventory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from inventory.io import ImportFailed, export_document, load_path, write_document
from inventory.models import ChangeLog, Device, Unit
from inventory.service import load_sample

MINIMAL = """\
version: 1
carriers:
  - {code: unicom, name: 中国联通, role: primary}
rooms:
  - {code: CORE, name: 核心机房, is_core: true}
  - {code: HEBEI, name: 河北大街机房}
units:
  - code: U001
    name: 市委
    kind: party
    declared_terminals: 300
devices:
  - hostname: CORE-1
    platform: huawei_vrp
    vendor: Huawei
    role: core
    room: CORE
    mgmt_address: 10.9.0.1
    interfaces:
      - {name: GigabitEthernet0/0/1, ip: 10.250.0.1/30}
  - hostname: U001-AR1
    platform: hp_comware
    vendor: H3C
    role: access-router
    unit: U001
    mgmt_address: 10.9.1.1
    interfaces:
      - {name: GigabitEthernet1/0/1, ip: 10.250.0.2/30}
circuits:
  - cid: LT-U001-1
    carrier: unicom
    role: primary
    bandwidth_mbps: 100
    a: {unit: U001, device: U001-AR1, interface: GigabitEthernet1/0/1}
    z: {room: CORE, device: CORE-1, interface: GigabitEthernet0/0/1}
    cost: 1.50
"""


def counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {t.name: s.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


def write(tmp_path: Path, text: str, name: str = "inv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_document_imports(engine, tmp_path) -> None:
    with Session(engine) as s:
        report = load_path(s, write(tmp_path, MINIMAL))
        s.commit()
    assert report.created["devices"] == 2 and report.created["links"] == 1
    assert counts(engine)["circuit"] == 1


BAD_CASES = {
    # case: (replace this, with that, expected line, words the message must contain)
    "missing required field": ("    kind: party\n", "", 8, ["units[0]", "kind", "required"]),
    "wrong type": ("declared_terminals: 300", "declared_terminals: many", 11,
                   ["declared_terminals", "integer", "many"]),
    "address taken by a stored device": ("mgmt_address: 10.9.0.1", "mgmt_address: 10.255.0.1", 18,
                                         ["mgmt_address", "10.255.0.1", "QHD-CORE-SW1"]),
    "duplicate name": ("  - {code: HEBEI, name: 河北大街机房}", "  - {code: HEBEI, name: 核心机房}", 6,
                       ["rooms[1]", "duplicate name", "核心机房"]),
    "unknown room": ("z: {room: CORE, device", "z: {room: 西山机房, device", 35,
                     ["circuits[0]", "LT-U001-1", "z.room", "西山机房", "CORE"]),
    "broken YAML": ("  - {code: HEBEI, name: 河北大街机房}", "  - {code: HEBEI, name: [河北大街机房}", 6, ["YAML"]),
    "bad enum": ("role: primary\n    bandwidth", "role: main\n    bandwidth", 32,
                 ["circuits[0]", "role", "primary", "backup", "uplink", "internal"]),
    "unknown field": ("    declared_terminals: 300", "    declared_terminals: 300\n    terminalz: 5", 12,
                      ["terminalz", "unknown field", "declared_terminals"]),
    "control character": ("    name: 市委\n", '    name: "市委\\a"\n', 9, ["units[0]", "name", "control character"]),
    "unknown interface": ("interface: GigabitEthernet0/0/1}", "interface: GigabitEthernet0/0/9}", 35,
                          ["z.interface", "GigabitEthernet0/0/9", "CORE-1"]),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_names_the_place_and_changes_nothing(engine, tmp_path, case) -> None:
    load_sample(engine)  # something already stored that must not be lost
    before = counts(engine)
    old, new, line, words = BAD_CASES[case]
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with Session(engine) as s, pytest.raises(ImportFailed) as info:
        load_path(s, path)
        s.commit()
    message = str(info.value)
    assert f"{path}:{line}" in message, message
    for word in words:
        assert word in message, (word, message)
    assert counts(engine) == before


def test_unknown_reference_after_partial_success_rolls_back(engine, tmp_path) -> None:
    """Devices are valid and would be written before circuits fail: the whole import must roll back."""
    before = counts(engine)
    path = write(tmp_path, MINIMAL.replace("carrier: unicom\n    role", "carrier: mobile\n    role"))
    from inventory.db import session_scope

    with pytest.raises(ImportFailed, match="unknown carrier 'mobile'"), session_scope(engine) as s:
        load_path(s, path)
    assert counts(engine) == before


def test_cli_import_error_exit_code_and_message(tmp_path, monkeypatch) -> None:
    import subprocess
    import sys

    monkeypatch.setenv("EXTRANET_HOME", str(tmp_path / "home"))
    bad = write(tmp_path, MINIMAL.replace("    kind: party\n", ""))
    proc = subprocess.run([sys.executable, "-c", "from cli import main; main()", "import", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{bad}:8" in proc.stderr and "required field is missing" in proc.stderr


def test_round_trip_single_file_and_folder(engine, tmp_path) -> None:
    from inventory.db import get_engine
    from inventory.service import prepare

    load_sample(engine)
    with Session(engine) as s:
        original = export_document(s)
    for target in (tmp_path / "one.yaml", tmp_path / "folder"):
        write_document(original, target)
        fresh = get_engine(f"sqlite:///{tmp_path / (target.stem + '.db')}")
        prepare(fresh)
        with Session(fresh) as s:
            load_path(s, target)
            s.commit()
        with Session(fresh) as s:
            again = export_document(s)
        assert again == original
        assert {k: v for k, v in counts(fresh).items() if k != "change_log"} == {
            k: v for k, v in counts(engine).items() if k != "change_log"}


def test_reimport_changes_nothing_and_edits_are_applied(engine, tmp_path) -> None:
    load_sample(engine)
    with Session(engine) as s:
        doc = export_document(s)
    path = tmp_path / "inv.yaml"
    write_document(doc, path)
    log_before = counts(engine)["change_log"]
    with Session(engine) as s:
        load_path(s, path)
        s.commit()
    assert counts(engine)["change_log"] == log_before  # no-op updates leave no trail
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["units"][0]["declared_terminals"] = 999
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with Session(engine) as s:
        load_path(s, path)
        s.commit()
    with Session(engine) as s:
        assert s.exec(select(Unit).where(Unit.code == data["units"][0]["code"])).one().declared_terminals == 999
        rows = list(s.exec(select(ChangeLog).where(ChangeLog.id > 0).order_by(ChangeLog.id.desc()).limit(1)))
        assert rows[0].before["declared_terminals"] != 999 and rows[0].after["declared_terminals"] == 999


def test_import_never_deletes_what_the_document_omits(engine, tmp_path) -> None:
    load_sample(engine)
    n_devices = counts(engine)["device"]
    with Session(engine) as s:
        load_path(s, write(tmp_path, MINIMAL.replace("CORE-1", "EXTRA-1").replace("10.9.0.1", "10.9.9.9")))
        s.commit()
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Device)).one() == n_devices + 1


def test_payment_dates_must_be_plausible() -> None:
    import datetime as dt

    from pydantic import ValidationError

    from inventory.document import PaymentRow

    row = {"voucher": "PZ-1", "carrier": "unicom", "amount": "1.00", "paid_on": dt.date(2021, 6, 1),
           "service_start": dt.date(2020, 1, 1), "service_end": dt.date(2020, 12, 31)}
    PaymentRow.model_validate(row)
    with pytest.raises(ValidationError, match="between 2000 and 2100"):
        PaymentRow.model_validate({**row, "service_end": dt.date(2999, 1, 1)})
