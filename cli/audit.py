"""`extranet audit run`, `extranet export audit PATH` and the demo's 等保 step (order 50)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import typer
from rich.table import Table

import answers
from audit.catalogue import FAIL, PARTIAL, PASS, RANK, REVIEW, load_catalogue, load_thresholds
from audit.export.pack import verify_pack, write_pack
from audit.service import AuditReport, load_resolutions
from audit.weakness import WEAKNESS_CHECKS
from inventory.db import get_engine, home_dir, session_scope
from inventory.errors import ExtranetError
from inventory.service import prepare

from .console import console
from .demo import DemoContext, step
from .inventory import export_app

THRESHOLDS = typer.Option(None, "--thresholds", help="an assessor's YAML of threshold overrides (see docs/audit.md)")
RESOLUTIONS = typer.Option(None, "--resolutions", help="YAML of the assessor's decisions on 需人工核查 items")
STRICT = typer.Option(False, "--strict", help="refuse while any 需人工核查 item is unresolved")


def run_audit(thresholds: Path | None = None, resolutions: Path | None = None) -> AuditReport:
    cat = load_catalogue()
    if thresholds is not None:
        cat = cat.with_thresholds(load_thresholds(thresholds))
    prepare()
    with session_scope(get_engine()) as s:
        a = answers.ask(s)
        report = a.compliance(catalogue=cat)
    if not report.audits:
        raise ExtranetError("the inventory has no devices: load one first (extranet load-sample)", code="audit.empty")
    if resolutions is not None:  # applied to a copy: the cached report is shared
        report = a.compliance(catalogue=cat, resolutions=load_resolutions(resolutions))
    return report


def print_checks(report: AuditReport) -> None:
    t = Table(title="等保三级 网络设备核查 Results per check", show_lines=False)
    for col in ("编号", "控制点", "检查项", PASS, PARTIAL, FAIL, "不适用", REVIEW, "不符合设备（前 4）"):
        t.add_column(col, overflow="fold")
    for chk in report.catalogue.checks:
        res = [(a.hostname, a.by_id()[chk.id].result) for a in report.audits]
        n = Counter(r for _, r in res)
        bad = [h for h, r in res if r == FAIL]
        t.add_row(chk.id, chk.control, chk.item[:28], str(n[PASS]), str(n[PARTIAL]), str(n[FAIL]), str(n["不适用"]),
                  str(n[REVIEW]), "、".join(bad[:4]) + (f" …(+{len(bad) - 4})" if len(bad) > 4 else ""))
    console.print(t)


def weak_devices(report: AuditReport) -> list[tuple[str, list[str]]]:
    """Devices whose result on a weakness-governed check is worse than the best result among devices of
    the same platform and release (a release default that fails everywhere is not a seeded weakness)."""
    governed = {c for table in WEAKNESS_CHECKS.values() for c in table}
    best: dict[tuple[str, str, str], int] = {}
    for a in report.audits:
        for r in a.results:
            key = (a.platform, a.release, r.check_id)
            best[key] = max(best.get(key, 0), RANK[r.result])
    out = []
    for a in report.audits:
        bad = [r.check_id for r in a.results
               if r.check_id in governed and RANK[r.result] < best[(a.platform, a.release, r.check_id)]]
        if bad:
            out.append((a.hostname, bad))
    return out


def print_weak(report: AuditReport) -> None:
    weak = weak_devices(report)
    t = Table(title=f"弱配置设备 Weak devices found: {len(weak)}")
    t.add_column("设备")
    t.add_column("平台")
    t.add_column("未通过的检查项")
    plat = {a.hostname: a.platform for a in report.audits}
    for host, bad in weak:
        t.add_row(host, plat[host], "、".join(bad))
    console.print(t)


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(help="等保三级 (MLPS level 3) baseline checks over the stored configs.",
                            no_args_is_help=True)

    @audit_app.command("run")
    def run_cmd(device: str | None = typer.Option(None, "--device", help="show one device's records in full"),
                thresholds: Path | None = THRESHOLDS, resolutions: Path | None = RESOLUTIONS) -> None:
        """Evaluate every check on every device's newest config; print results per check and the weak devices."""
        started = time.perf_counter()
        report = run_audit(thresholds, resolutions)
        if device:
            a = report.audit(device)
            t = Table(title=f"{a.hostname} {a.platform} {a.release}", show_lines=True)
            for col in ("编号", "符合情况", "结果记录"):
                t.add_column(col, overflow="fold")
            for r in a.results:
                t.add_row(r.check_id, r.result, r.record)
            console.print(t)
            return
        print_checks(report)
        print_weak(report)
        console.print(f"{len(report.audits)} devices × {len(report.catalogue.checks)} checks in "
                      f"{time.perf_counter() - started:.1f} s; {len(report.unresolved())} results need manual review")

    app.add_typer(audit_app, name="audit")

    @export_app.command("audit")
    def export_audit(path: Path = typer.Argument(..., help="the evidence pack to write, e.g. evidence-pack.zip"),
                     thresholds: Path | None = THRESHOLDS, resolutions: Path | None = RESOLUTIONS,
                     strict: bool = STRICT) -> None:
        """The 等保 evidence pack: asset + line register, diagram SVG/PNG, redundancy workbook, per-device records,
        redacted configs and raw outputs, SHA-256 manifest."""
        report = run_audit(thresholds, resolutions)
        written = write_pack(report, path, strict=strict)
        bad = verify_pack(written)
        console.print(f"written: {written} ({written.stat().st_size // 1024} KiB, {len(report.audits)} devices; "
                      f"manifest {'verified' if not bad else 'MISMATCH: ' + ', '.join(bad)}; "
                      f"{len(report.unresolved())} results still need manual review)")


@step("等保三级证据 MLPS level-3 checks and evidence pack", order=50)
def _demo(ctx: DemoContext) -> None:
    started = time.perf_counter()
    with session_scope(ctx.engine) as s:
        report = answers.ask(s).compliance()
    print_checks(report)
    print_weak(report)
    pack = home_dir() / "audit" / "evidence-pack.zip"
    write_pack(report, pack)
    console.print(f"evidence pack: {pack} (manifest {'verified' if not verify_pack(pack) else 'MISMATCH'}); "
                  f"{time.perf_counter() - started:.1f} s")
