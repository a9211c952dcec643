"""The evidence pack re-opened: workbooks with the assessors' Chinese columns, the diagram as SVG (parsed)
and PNG, manifest hashes, and a grep for every secret the lab put into the configs."""

from __future__ import annotations

import hashlib
import html
import io
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook
from PIL import Image

from audit.catalogue import RESULTS, load_catalogue
from audit.export.pack import MANIFEST, verify_pack, write_pack
from audit.export.workbooks import ASSET_COLUMNS, LINE_COLUMNS, RECORD_COLUMNS
from inventory.errors import ExtranetError
from lab.render import secrets_for
from lab.spec import WEAK_DEVICES

from .conftest import AuditCity

pytestmark = [pytest.mark.xdist_group("audit-city"), pytest.mark.slow]
SVG = "{http://www.w3.org/2000/svg}"


def _read(pack: Path, name: str) -> bytes:
    with zipfile.ZipFile(pack) as z:
        return z.read(name)


def _wb(pack: Path, name: str):
    return load_workbook(io.BytesIO(_read(pack, name)), read_only=True)


def test_pack_layout(pack: Path, collected_city: AuditCity) -> None:
    names = zipfile.ZipFile(pack).namelist()
    for f in ("资产清单.xlsx", "设备核查记录.xlsx", "冗余性分析.xlsx", "拓扑图.svg", "拓扑图.png", "README.txt",
              "manifest.json", MANIFEST):
        assert f in names
    n_dev, n_chk = len(collected_city.report.audits), len(load_catalogue().checks)
    configs = {n.removeprefix("configs/").removesuffix(".cfg") for n in names if n.startswith("configs/")}
    assert configs == {a.hostname for a in collected_city.report.audits}
    assert sum(n.startswith("evidence/") for n in names) == n_dev * n_chk
    raw = [n for n in names if n.startswith("raw/")]
    assert len(raw) >= n_dev  # several runtime outputs per device
    head = _read(pack, raw[0]).decode()
    assert re.search(r"# 采集时间 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00", head) and "# 命令 " in head


def test_manifest_verifies_and_detects_tampering(pack: Path, tmp_path: Path) -> None:
    assert verify_pack(pack) == []
    with zipfile.ZipFile(pack) as z:
        lines = z.read(MANIFEST).decode().splitlines()
        listed = dict(reversed(ln.split("  ", 1)) for ln in lines)
        assert set(listed) == set(z.namelist()) - {MANIFEST}
        for name, digest in listed.items():
            assert hashlib.sha256(z.read(name)).hexdigest() == digest
    bad = tmp_path / "tampered.zip"
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, data + b"x" if item == "README.txt" else data)
    assert verify_pack(bad) == ["README.txt"]


def _all_text(pack: Path) -> dict[str, str]:
    out = {}
    with zipfile.ZipFile(pack) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(data)) as x:
                    out[name] = html.unescape("\n".join(x.read(n).decode("utf-8", "replace") for n in x.namelist()))
            elif not name.endswith(".png"):
                out[name] = data.decode("utf-8", "replace")
    return out


def test_no_secret_anywhere(pack: Path, collected_city: AuditCity) -> None:
    secrets = {v for dev in collected_city.spec.devices for v in secrets_for(dev).values()}
    assert len(secrets) > 500
    texts = _all_text(pack)
    patterns = [re.compile(p) for p in (
        r"community\s+(read\s+|write\s+)?(simple\s+|cipher\s+)?(public|private)\b",  # default communities
        r"\$1[a-d]\$", r"\$h\$6\$", r"\$c\$3\$", r"\$9\$", r"%\^%#",  # VRP / Comware / IOS cipher and hash prefixes
        r"password (simple|0) (?!\*)\S", r"secret \d (?!\*)\S")]
    for name, text in texts.items():
        for s in secrets:
            assert s not in text, f"{name} contains a secret of the lab"
        for p in patterns:
            assert not p.search(text), f"{name}: {p.pattern} → {p.search(text).group(0)}"
    # the redaction kept the keyword, so a reader still sees how the secret is stored
    weak = next(h for h, c in WEAK_DEVICES.items() if "weak_password" in c)
    assert "password " in texts[f"configs/{weak}.cfg"] and "******" in texts[f"configs/{weak}.cfg"]


def test_asset_and_line_register(pack: Path, collected_city: AuditCity) -> None:
    wb = _wb(pack, "资产清单.xlsx")
    assert wb.sheetnames == ["资产清单", "线路清单", "机房"]
    rows = list(wb["资产清单"].values)
    assert list(rows[0]) == ASSET_COLUMNS
    assert {r[1] for r in rows[1:]} == {a.hostname for a in collected_city.report.audits}
    core = next(r for r in rows if r[1] == "QHD-CORE-SW1")
    assert core[13] == "关键" and core[14].startswith("是") and core[10] == "核心机房"
    lines = list(wb["线路清单"].values)
    assert list(lines[0]) == LINE_COLUMNS and len(lines) - 1 == len(collected_city.report.circuits)
    carriers = {r[3] for r in lines[1:]}
    assert {"中国联通", "中国电信"} <= carriers
    dx = next(r for r in lines[1:] if str(r[5]).startswith("DX-U"))
    assert dx[3] == "中国电信" and dx[11] == "备用" and dx[6] > 0 and dx[8]
    rooms = list(wb["机房"].values)
    assert len(rooms) == 8 and any(r[1] == "核心机房" for r in rooms)


def test_device_records(pack: Path, collected_city: AuditCity) -> None:
    wb = _wb(pack, "设备核查记录.xlsx")
    assert len(wb.sheetnames) == len(collected_city.report.audits) + 1 and wb.sheetnames[0] == "汇总"
    n_chk = len(load_catalogue().checks)
    names = set(zipfile.ZipFile(pack).namelist())
    host = next(h for h, c in sorted(WEAK_DEVICES.items()) if "weak_password" in c)
    rows = list(wb[host].values)
    assert [v for v in rows[0] if v is not None] == ["项目", "资产名称", "IP", "型号", "版本"] and rows[1][1] == host
    assert list(rows[3]) == RECORD_COLUMNS and len(rows) == 4 + n_chk
    for r in rows[4:]:
        assert r[6] in RESULTS and r[5] and r[4].startswith(host)
        assert any(n.startswith(f"evidence/{host}/") and n.endswith(f"_{r[8]}.txt") for n in names)
    ce03 = next(r for r in rows[4:] if r[0].endswith("CE-03"))
    assert ce03[6] == "不符合" and ce03[7] == 0 and ce03[9] and "password" in ce03[5] and "******" in ce03[5]
    assert ce03[1] == "安全计算环境" and ce03[2] == "身份鉴别"


def test_redundancy_workbook(pack: Path, collected_city: AuditCity) -> None:
    red = collected_city.report.redundancy
    wb = _wb(pack, "冗余性分析.xlsx")
    assert wb.sheetnames == ["关键设备冗余", "通信线路冗余", "单点故障清单", "N-1仿真", "汇总"]
    assert len(list(wb["单点故障清单"].values)) - 1 == len(red.spofs) > 0
    assert len(list(wb["N-1仿真"].values)) - 1 == len(red.failures)
    lines = list(wb["通信线路冗余"].values)
    assert len(lines) - 1 == len(red.protection) == 97
    assert {r[-1] for r in lines[1:]} <= {"符合", "部分符合", "不符合"}
    devices = list(wb["关键设备冗余"].values)
    assert any(r[0] == "QHD-CORE-SW1" and r[4] for r in devices[1:])


def test_diagram_svg(pack: Path, collected_city: AuditCity) -> None:
    root = ElementTree.fromstring(_read(pack, "拓扑图.svg"))
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    rooms = collected_city.report.rooms
    assert len(rooms) == 7
    for r in rooms:
        assert f"room-{r['code']}" in groups
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for r in rooms:
        assert r["name"] in texts
    assert "中国联通" in texts and "中国电信" in texts and "单点故障" in texts
    assert re.search(r"Noto (Sans|Serif) CJK", _read(pack, "拓扑图.svg").decode())

    def style(gid: str) -> str:
        return " ".join(p.get("style", "") for p in groups[gid].iter(f"{SVG}path"))
    lt = next(k for k in groups if k.startswith("edge-LT-U"))
    dx = next(k for k in groups if k.startswith("edge-DX-U"))
    assert "#d7191c" in style(lt) and "dasharray" not in style(lt)  # Unicom primary: red, solid
    assert "#1f6fb4" in style(dx) and "dasharray" in style(dx)  # Telecom backup: blue, dashed
    spof = {f.element for f in collected_city.report.redundancy.spofs if f.kind == "device"}
    assert spof and all(f"spof-device-{h}" in groups for h in spof)
    assert any(k.startswith("pair-") for k in groups)  # redundant pairs marked


def test_diagram_png(pack: Path) -> None:
    img = Image.open(io.BytesIO(_read(pack, "拓扑图.png"))).convert("RGB")
    assert img.width > 2000 and img.height > 1000
    a = np.asarray(img).astype(int)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    red = int(((r > 200) & (g < 90) & (b < 90)).sum())
    blue = int(((b > 150) & (b - r > 60) & (g < b)).sum())
    assert red > 100 and blue > 20  # SPOF marks / Unicom in red, Telecom in blue


def test_strict_export_and_resolutions(collected_city: AuditCity, tmp_path: Path) -> None:
    from audit.service import apply_resolutions, load_resolutions

    report = collected_city.report
    with pytest.raises(ExtranetError, match="manual review"):
        write_pack(report, tmp_path / "p.zip", strict=True)
    host, r = report.unresolved()[0]
    f = tmp_path / "res.yaml"
    f.write_text(f"resolutions:\n  - {{device: {host}, check: {r.check_id}, result: 符合, note: 访谈确认, by: 张工}}\n",
                 encoding="utf-8")
    before = len(report.unresolved())
    apply_resolutions(report, load_resolutions(f))
    assert len(report.unresolved()) == before - 1 and r.resolved_by == "张工" and "访谈确认" in r.record
    bad = tmp_path / "bad.yaml"
    bad.write_text("resolutions:\n  - {device: X, check: CE-01, result: maybe, by: a}\n", encoding="utf-8")
    with pytest.raises(ExtranetError, match="result"):
        load_resolutions(bad)
    with pytest.raises(ExtranetError, match=r"\.zip"):
        write_pack(report, tmp_path / "p.tar")
    shutil.rmtree(tmp_path, ignore_errors=True)
