"""The evidence pack: every export, the redacted configs and raw command outputs with their collection
time, one evidence file per device and check, and a SHA-256 manifest over all of it.

Layout (research §E.6):
  README.txt, 资产清单.xlsx, 设备核查记录.xlsx, 冗余性分析.xlsx, 拓扑图.svg, 拓扑图.png,
  configs/<设备>.cfg, raw/<设备>/<命令>.txt, evidence/<设备>/<L3 单元>_<check>_<EV>.txt,
  manifest.json, MANIFEST.sha256 (sha256sum format; verify with `sha256sum -c MANIFEST.sha256`).
Every text is redacted with every platform's secret patterns before it is written, and the finished
pack is scanned again: an unmasked secret aborts the export."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

from inventory.db import private_file
from inventory.errors import ExtranetError
from inventory.redact import redact as mask
from inventory.redact import values

from ..catalogue import REVIEW
from ..service import AuditReport
from .diagram import draw
from .workbooks import evidence_id, write_assets, write_records, write_redundancy

CHINA = dt.timezone(dt.timedelta(hours=8))
MANIFEST = "MANIFEST.sha256"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("_") or "_"


def _when(t: dt.datetime | None) -> str:
    if t is None:
        return "未知"
    t = t if t.tzinfo else t.replace(tzinfo=dt.UTC)
    return t.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S +08:00")


def scrub(text: str, platform: str | None = None) -> str:
    # The device's own patterns only: another dialect's broader pattern (IOS `community <x>`) would eat
    # the words after an already-masked VRP secret.
    return mask(text, platform)


NOT_SECRETS = {"read", "write", "cipher", "simple", "hash", "irreversible-cipher", "ro", "rw", "sha", "md5",
               "encrypted", "plain", "authentication", "accounting", "authorization"}


def leaks(text: str) -> list[str]:
    """Secret values still in `text` (anything any platform's catalogue marks that is not redacted)."""
    # A config line ends at its closing backtick or at the prose around it: cut there so a pattern's \\S+
    # does not run on into Chinese text.
    text = re.sub(r"[^\x20-\x7e]|`", "\n", text)
    # another dialect's pattern may land on a keyword or a remediation placeholder (<口令>)
    return [f"<{len(v)} chars>" for v in values(text)  # never echo the secret itself
            if v.lower() not in NOT_SECRETS and not v.startswith("<")]


def _entries(report: AuditReport, tmp: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name, writer in (
        ("资产清单.xlsx", write_assets),
        ("设备核查记录.xlsx", write_records),
        ("冗余性分析.xlsx", write_redundancy),
    ):
        files[name] = writer(report, tmp / name).read_bytes()
    svg, png = draw(report, tmp / "拓扑图.svg", tmp / "拓扑图.png")
    files["拓扑图.svg"], files["拓扑图.png"] = svg.read_bytes(), png.read_bytes()
    info = {d.hostname: d for d in report.devices}
    checks = {c.id: c for c in report.catalogue.checks}
    for host, snap in sorted(report.snapshots.items()):
        p = info[host].platform
        head = (
            f"# 设备 {host}  平台 {p}\n# 采集时间 {_when(snap.collected_at)}\n"
            f"# 原始配置 SHA-256 {snap.sha256}（原文含密钥，本文件已脱敏）\n"
        )
        files[f"configs/{_safe(host)}.cfg"] = (head + scrub(snap.text, p)).encode()
    for o in report.outputs:
        p = info[o.hostname].platform if o.hostname in info else None
        head = (
            f"# 设备 {o.hostname}\n# 命令 {o.command}\n# 采集时间 {_when(o.collected_at)}\n"
            f"# 原始输出 SHA-256 {o.sha256}（本文件已脱敏）\n"
        )
        files[f"raw/{_safe(o.hostname)}/{_safe(o.command)}.txt"] = (head + scrub(o.output, p)).encode()
    for hi, a in enumerate(report.audits, start=1):
        snap = report.snapshots.get(a.hostname)
        # cut from the whole redacted config, so a secret known by its block (an IOS line password) is masked
        cfg_lines = scrub(snap.text.replace("\r\n", "\n"), a.platform).split("\n") if snap else []
        for ci, r in enumerate(a.results, start=1):
            chk = checks[r.check_id]
            ev = evidence_id(hi, ci)
            cited = "\n".join(
                f"{n:>5}: {cfg_lines[n - 1]}" for n in r.lines if 0 < n <= len(cfg_lines)
            )
            body = (
                f"证据编号 {ev}\n设备 {a.hostname}（{a.platform} {a.release}）\n检查项 {chk.id} {chk.unit}"
                f" {chk.clause} "
                f"{chk.category}/{chk.control}\n测评项 {chk.item}\n符合情况 {r.result}"
                + (f"（{r.resolved_by} 核查确认）" if r.resolved_by else "")
                + "\n"
                f"结果记录 {r.record}\n配置采集时间 {_when(a.collected_at)}\n"
                f"配置 SHA-256 {a.config_sha256 or '无'}\n引用的配置行:\n{cited or '（无）'}\n"
            )
            files[f"evidence/{_safe(a.hostname)}/{chk.unit}_{chk.id}_{ev}.txt"] = body.encode()
    unresolved = report.unresolved()
    readme = [
        f"电子政务外网 等保三级 网络部分证据包  生成时间 {_when(report.generated_at)}",
        f"设备 {len(report.audits)} 台；检查项 {len(report.catalogue.checks)} 项；"
        f"已由评估人员确认的待核查项 {report.resolutions} 条；仍待人工核查 {len(unresolved)} 条（记录表中以黄色"
        "标出）。",
        "所有密码散列、密文、团体字与密钥均已脱敏（******）。",
        f"完整性校验：sha256sum -c {MANIFEST}",
    ]
    files["README.txt"] = ("\n".join(readme) + "\n").encode()
    return files


def write_pack(report: AuditReport, path: Path, *, strict: bool = False) -> Path:
    """Write the zip at `path`. strict: refuse while any 需人工核查 item is unresolved."""
    unresolved = report.unresolved()
    if strict and unresolved:
        first = "; ".join(f"{h} {r.check_id}" for h, r in unresolved[:5])
        raise ExtranetError(
            f"{len(unresolved)} check result(s) still need manual review ({first}...): resolve them "
            "with --resolutions FILE or export without --strict",
            code="audit.unresolved",
        )
    if path.suffix.lower() != ".zip":
        raise ExtranetError(f"{path}: the evidence pack is a .zip file", code="audit.bad_path")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = _entries(report, Path(tmp))
    bad = [
        (name, leak)
        for name, data in files.items()
        if not name.endswith((".xlsx", ".png"))
        for leak in leaks(data.decode("utf-8", "replace"))
    ]
    bad += [(name, leak) for name, data in files.items() if name.endswith(".xlsx") for leak in _xlsx_leaks(data)]
    if bad:
        raise ExtranetError(f"refusing to write the pack: unmasked secret in {bad[0][0]} ({bad[0][1]})",
                            code="audit.secret_leak")
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    manifest = {
        "generated_at": report.generated_at.isoformat(),
        "files": [{"path": n, "sha256": h, "bytes": len(files[n])} for n, h in sums.items()],
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    sums["manifest.json"] = hashlib.sha256(files["manifest.json"]).hexdigest()
    files[MANIFEST] = "".join(f"{h}  {n}\n" for n, h in sorted(sums.items())).encode()
    # 600: the pack holds every device's configuration, masked or not
    with os.fdopen(private_file(path), "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def _xlsx_leaks(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return leaks(html.unescape(re.sub(r"<[^>]*>", "\n", text)))  # cell texts only: markup is not part of a value


def verify_pack(path: Path) -> list[str]:
    """Names whose SHA-256 does not match the manifest (empty when the pack is intact)."""
    with zipfile.ZipFile(path) as z:
        lines = z.read(MANIFEST).decode().splitlines()
        bad = []
        for ln in lines:
            digest, name = ln.split("  ", 1)
            if hashlib.sha256(z.read(name)).hexdigest() != digest:
                bad.append(name)
        listed = {ln.split("  ", 1)[1] for ln in lines}
        bad += [n for n in z.namelist() if n not in listed and n != MANIFEST]
    return bad


__all__ = ["MANIFEST", "REVIEW", "leaks", "verify_pack", "write_pack"]
