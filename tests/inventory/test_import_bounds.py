"""Import errors are located and bounded: a bad value names file:line, row and field; nesting, size
and an empty document are refused with a clear answer, never a stack trace (issue 15, finding 5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from inventory.io import ImportFailed, parse_texts, read_document

HEAD = """\
version: 1
carriers:
  - {code: unicom, name: 中国联通, role: primary}
payments:
  - voucher: V001
    carrier: unicom
    amount: 1.50
    paid_on: 2021-03-04
    service_start: 2021-01-01
    service_end: 2021-12-31
  - voucher: V002
    carrier: unicom
    amount: {amount}
    paid_on: {paid_on}
    service_start: 2021-01-01
    service_end: 2021-12-31
"""


def payments(amount: str = "2.00", paid_on: str = "2021-05-06") -> str:
    return HEAD.replace("{amount}", amount).replace("{paid_on}", paid_on)


def problem_text(text: str, name: str = "money.yaml") -> str:
    with pytest.raises(ImportFailed) as info:
        parse_texts([(name, text)])
    return str(info.value)


def test_impossible_date_names_file_line_row_and_field() -> None:
    message = problem_text(payments(paid_on="2021-13-45"))
    assert "money.yaml:14: payments[1] (V002), field 'paid_on'" in message
    assert "month" in message and "YYYY-MM-DD" in message


@pytest.mark.parametrize("amount", [".inf", ".nan", "-.inf"])
def test_numbers_yaml_cannot_hold_are_located_field_errors(amount: str) -> None:
    message = problem_text(payments(amount=amount))
    assert "money.yaml:13: payments[1] (V002), field 'amount'" in message


def test_cli_reports_the_bad_date_with_exit_2_and_no_trace(tmp_path: Path) -> None:
    bad = tmp_path / "money.yaml"
    bad.write_text(payments(paid_on="2021-13-45"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", "from cli import main; main()", "import", str(bad)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert f"{bad}:14" in proc.stderr and "paid_on" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("text", [
    "carriers: " + "[" * 5000 + "]" * 5000 + "\n",
    "".join("  " * i + "a:\n" for i in range(5000)) + "  " * 5000 + "a: 1\n",
], ids=["flow", "block"])
def test_deep_nesting_is_refused_with_its_line(text: str) -> None:
    message = problem_text(text, "deep.yaml")
    # libyaml's own flow-level limit may answer first; either way a located refusal, not RecursionError
    assert "deep.yaml:" in message and ("nested deeper than" in message or "nesting depth" in message)


@pytest.mark.parametrize("text", ["", "\n# only a comment\n", "version: 1\n", "version: 1\ncarriers: []\nrooms:\n"])
def test_empty_document_is_nothing_to_import(text: str) -> None:
    assert "nothing to import" in problem_text(text, "empty.yaml")


def test_file_over_the_cap_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRANET_IMPORT_MAX_MB", "0.001")  # about 1 KB
    big = tmp_path / "big.yaml"
    big.write_text(payments() + "#" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        read_document(big)
    assert "EXTRANET_IMPORT_MAX_MB" in str(info.value) and "big.yaml" in str(info.value)
    monkeypatch.setenv("EXTRANET_IMPORT_MAX_MB", "1")
    assert len(read_document(big).section("payments")) == 2


def test_merge_keys_anchors_and_duplicate_keys_still_behave() -> None:
    text = """\
version: 1
carriers:
  - &c {code: unicom, name: 中国联通, role: primary}
  - <<: *c
    code: telecom
    name: 中国电信
"""
    doc = parse_texts([("m.yaml", text)])
    rows = [row for _, row in doc.section("carriers")]
    assert [(r.code, r.name, r.role) for r in rows] == [("unicom", "中国联通", "primary"),
                                                          ("telecom", "中国电信", "primary")]
    message = problem_text("version: 1\ncarriers:\n  - code: a\n    code: b\n", "dup.yaml")
    assert "dup.yaml:4" in message and "duplicate key 'code'" in message


def test_quoted_values_stay_text_and_typed_values_are_typed() -> None:
    doc = parse_texts([("t.yaml", payments().replace("voucher: V001", "voucher: '2021-01-01'"))])
    (_, first), (_, second) = doc.section("payments")
    assert first.voucher == "2021-01-01" and str(second.amount) == "2.00"
