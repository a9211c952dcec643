"""The document import and the table classes apply the same domain rules (inventory/models/rules.py):
identifiers NFC without control/format characters, codes without fullwidth look-alikes, a circuit's and
a link's ends different, prefix lengths within the family. Each refusal names file:line and field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from inventory.io import ImportFailed, parse_texts
from inventory.models import Circuit, Interface, InterfaceAddress, Link, Room, rules

PLACES = """version: 1
carriers:
- code: unicom
  name: 中国联通
  role: primary
rooms:
- code: CORE
  name: 核心机房
units:
- code: U001
  name: 市测试局
  kind: government
"""

DEVICES = """devices:
- hostname: QHD-CORE-SW1
  platform: huawei_vrp
  vendor: huawei
  role: core
  room: CORE
  mgmt_address: 10.254.0.1
  interfaces:
  - name: GigabitEthernet0/0/1
    ip: 10.250.0.1/30
  - name: GigabitEthernet0/0/2
"""

LOOP_CIRCUIT = """circuits:
- cid: LT-LOOP-1
  carrier: unicom
  role: primary
  a: {room: CORE, device: QHD-CORE-SW1, interface: GigabitEthernet0/0/1}
  z: {room: CORE, device: QHD-CORE-SW1, interface: GigabitEthernet0/0/1}
"""

LOOP_LINK = """links:
- a: {device: QHD-CORE-SW1, interface: GigabitEthernet0/0/2}
  z: {device: QHD-CORE-SW1, interface: GigabitEthernet0/0/2}
"""


def _problems(text: str) -> str:
    with pytest.raises(ImportFailed) as info:
        parse_texts([("network.yaml", text)])
    return str(info.value)


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("code: CORE\n", "code: CO\u200bRE\n", 7, "code", ("U+200B", "ZERO WIDTH SPACE")),
    ("name: 核心机房", "name: 核心\u202e机房", 8, "name", ("U+202E",)),
    ("name: 市测试局", "name: 市\u2067测试\u2069局", 11, "name", ("U+2067",)),
    ("code: U001", "code: U００１", 10, "code", ("fullwidth", "'0'")),
    ("code: unicom", "code: unicom\ufeff", 3, "code", ("U+FEFF",)),
])
def test_identifier_refusals_name_file_line_and_field(old: str, new: str, line: int, field: str,
                                                      words: tuple[str, ...]) -> None:
    assert old in PLACES
    message = _problems(PLACES.replace(old, new, 1))
    assert f"network.yaml:{line}" in message, message
    assert f"field '{field}'" in message, message
    for word in words:
        assert word in message, (word, message)


def test_identifiers_are_read_nfc() -> None:
    doc = parse_texts([("network.yaml", PLACES.replace("name: 核心机房", "name: Cafe\u0301 核心机房"))])
    [(_, room)] = doc.section("rooms")
    assert room.name == "Caf\u00e9 核心机房"


@pytest.mark.parametrize("section", [LOOP_CIRCUIT, LOOP_LINK])
def test_self_loops_refused_in_documents(section: str) -> None:
    message = _problems(PLACES + DEVICES + section)
    assert "z" in message and "joins two different interfaces" in message, message


def test_different_interfaces_of_one_device_are_fine() -> None:
    text = PLACES + DEVICES + LOOP_LINK.replace("z: {device: QHD-CORE-SW1, interface: GigabitEthernet0/0/2}",
                                                "z: {device: QHD-CORE-SW1, interface: GigabitEthernet0/0/1}")
    assert len(parse_texts([("network.yaml", text)]).section("links")) == 1


@pytest.mark.parametrize("model", [Circuit, Link])
def test_table_classes_refuse_self_loops(model: type) -> None:
    row = {"cid": "LT-X-1", "role": "internal", "source": "manual", "a_interface_id": 7, "z_interface_id": 7}
    with pytest.raises(ValidationError) as info:
        model.model_validate({k: v for k, v in row.items() if k in model.model_fields})
    assert info.value.errors()[0]["loc"] == ("z_interface_id",)


@pytest.mark.parametrize(("address", "prefix", "ok"), [
    ("10.0.0.1", 32, True), ("10.0.0.1", 33, False), ("2001:db8::1", 128, True), ("2001:db8::1", 129, False),
    (None, 28353673, False), ("10.0.0.1", -1, False)])
def test_prefix_lengths_fit_the_family(address: str | None, prefix: int, ok: bool) -> None:
    row = {"device_id": 1, "name": "Vlanif10", "ip_address": address, "prefix_length": prefix}
    if ok:
        assert Interface.model_validate(row).prefix_length == prefix
    else:
        with pytest.raises(ValidationError) as info:
            Interface.model_validate(row)
        assert info.value.errors()[0]["loc"] == ("prefix_length",)
    seen = {"interface_id": 1, "address": address or "10.0.0.1", "prefix_length": prefix, "family": 4}
    if not 0 <= prefix <= 128:
        with pytest.raises(ValidationError):
            InterfaceAddress.model_validate(seen)


def test_the_schema_patterns_say_what_the_rules_do() -> None:
    import re

    for text, code_ok, name_ok in (("QHD-CORE-SW1", True, True), ("核心机房", True, True),
                                   ("U\uff10\uff10\uff11", False, True), ("a\u200bb", False, False),
                                   ("\u202eabc", False, False), ("a\tb", False, False)):
        assert bool(re.fullmatch(rules.CODE_PATTERN, text)) == code_ok, text
        assert bool(re.fullmatch(rules.IDENTIFIER_PATTERN, text)) == name_ok, text
        for check, ok in ((rules.code, code_ok), (rules.identifier, name_ok)):
            if ok:
                assert check(text) == text
            else:
                with pytest.raises(ValueError):
                    check(text)
    assert rules.pattern_for(Room, "code") == rules.CODE_PATTERN
    assert rules.pattern_for(Room, "name") == rules.IDENTIFIER_PATTERN
    assert rules.pattern_for(Room, "address") is None
