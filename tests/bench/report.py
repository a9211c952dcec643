"""Print every .bench/*.json as one table (run by `make bench` after the benchmarks)."""

from __future__ import annotations

import json

from tests.bench._util import BENCH_DIR


def main() -> None:
    rows = [json.loads(p.read_text()) for p in sorted(BENCH_DIR.glob("*.json"))]
    if not rows:
        print("no benchmark results in .bench/")
        return
    print(f"{'name':<16}{'value':>14} {'unit':<10}{'baseline':>14}{'ratio':>10}")
    for r in rows:
        print(f"{r['name']:<16}{r['value']:>14.4g} {r['unit']:<10}{r['baseline']:>14.4g}{r['ratio']:>9.1f}x")


if __name__ == "__main__":
    main()
