"""A 50 MB valid document with one bad row at its end: the located error comes back in time
proportional to the size. Baseline: the same document at a tenth of the size, scaled by ten, so a
ratio well under 1 means the import has gone superlinear again."""

from __future__ import annotations

import time

import pytest

from inventory.io import ImportFailed, parse_texts

from ._util import write_result

UNIT = """\
  - voucher: V{n:07d}
    carrier: unicom
    amount: 1.50
    paid_on: 2021-03-04
    service_start: 2021-01-01
    service_end: 2021-12-31
    description: 秦皇岛单位{n:05d} 电路年费
"""
BAD = "  - {voucher: VBAD, carrier: unicom, amount: 1.5, paid_on: 2021-13-45, service_start: 2021-01-01, " \
      "service_end: 2021-12-31}\n"


def document(megabytes: float) -> str:
    head = "version: 1\ncarriers:\n  - {code: unicom, name: 中国联通, role: primary}\npayments:\n"
    per_row = len(UNIT.format(n=0).encode())
    rows = int(megabytes * 1_000_000 / per_row)
    return head + "".join(UNIT.format(n=n) for n in range(rows)) + BAD


def answer_time(text: str) -> float:
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as info:
        parse_texts([("large.yaml", text)])
    elapsed = time.perf_counter() - started
    assert "payments[" in str(info.value) and "paid_on" in str(info.value)
    return elapsed


def test_import_large() -> None:
    small = answer_time(document(5))
    large = answer_time(document(50))
    write_result("import-large", large, "s", small * 10, higher_is_better=False, megabytes=50)
