"""Benchmark results: each benchmark runs its baseline in the same process and writes
.bench/NAME.json = {name, value, unit, baseline, ratio}, ratio = times better than the baseline."""

from __future__ import annotations

import json
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[2] / ".bench"


def write_result(name: str, value: float, unit: str, baseline: float, higher_is_better: bool,
                 **extra: object) -> dict[str, object]:
    """`higher_is_better` is True for rates (devices/s, req/s), False for durations (seconds)."""
    if higher_is_better:
        ratio = value / baseline if baseline else float("inf")
    else:
        ratio = baseline / value if value else float("inf")
    result = {"name": name, "value": round(value, 6), "unit": unit, "baseline": round(baseline, 6),
              "ratio": round(ratio, 2), **extra}
    BENCH_DIR.mkdir(exist_ok=True)
    (BENCH_DIR / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return result
