"""The assessors' workbooks (research §E): asset + line register, per-device check records, redundancy evidence.

Every cell that can carry config text goes through `scrub` (all platforms' secret patterns)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from inventory.redact import redact

from ..catalogue import REVIEW, SCORE
from ..service import KEY_ROLES, AuditReport

CHINA = dt.timezone(dt.timedelta(hours=8))
HEAD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REVIEW_FILL = PatternFill("solid", fgColor="FFF2CC")
FAIL_FILL = PatternFill("solid", fgColor="F8CBAD")

ASSET_COLUMNS = [
    "资产编号",
    "设备名称",
    "设备类型",
    "品牌",
    "型号",
    "序列号(SN)",
    "系统及版本",
    "是否虚拟设备",
    "管理IP地址",
    "网络区域(安全域)",
    "物理区域/机房",
    "机柜/U位",
    "用途",
    "重要程度",
    "是否热备/冗余对端",
    "责任部门",
    "责任人",
    "运维单位",
    "接入单位",
    "上线日期/维保到期",
    "数量",
    "备注",
]
LINE_COLUMNS = [
    "线路名称",
    "所属网络区域",
    "连接对象",
    "运营商",
    "线路种类",
    "电路编号",
    "带宽(Mbps)",
    "A端",
    "A端设备:端口",
    "Z端",
    "Z端设备:端口",
    "主/备",
    "共享风险组(SRLG)",
    "承载业务",
    "备注",
]
ROOM_COLUMNS = ["序号", "机房名称", "物理位置", "重要程度", "备注"]
RECORD_COLUMNS = [
    "编号",
    "安全类",
    "控制点",
    "测评项",
    "测评对象",
    "结果记录",
    "符合情况",
    "分值",
    "证据编号",
    "整改建议",
]

DEVICE_TYPE = {
    "core": "交换机",
    "aggregation": "路由器",
    "firewall": "防火墙",
    "access-router": "路由器",
    "access-switch": "交换机",
}
PURPOSE = {
    "core": "核心",
    "aggregation": "汇聚",
    "firewall": "边界",
    "access-router": "接入（单位出口）",
    "access-switch": "接入",
}
ROLE_ZH = {"primary": "主用", "backup": "备用", "uplink": "上联", "internal": "内部互联"}
RESULT_FILL = {REVIEW: REVIEW_FILL, "不符合": FAIL_FILL}


def scrub(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def _sheet(wb: Workbook, title: str, columns: list[str], rows: Iterable[list[Any]], *, first: bool = False) -> Any:
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(columns)
    for c in ws[1]:
        c.font, c.fill = HEAD, HEAD_FILL
    for row in rows:
        ws.append([scrub(v) for v in row])
    _widths(ws)
    ws.freeze_panes = "A2"
    return ws


def _widths(ws: Any, cap: int = 60) -> None:
    for i, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)), start=1):
        longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(c.value or "")) for c in col), default=8)
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(cap, longest + 2))


def importance(role: str, unit: str | None) -> str:
    return "关键" if role in KEY_ROLES and unit is None else "重要" if role == "access-router" else "一般"


def zone_of(d: Any) -> str:
    if d.unit:
        return "专用网络区（接入单位）"
    return "核心区" if d.role in ("core", "firewall") else "专用网络区（骨干节点）"


def peers_of(report: AuditReport) -> dict[str, list[str]]:
    by: dict[tuple[str | None, str | None, str], list[str]] = {}
    for d in report.devices:
        by.setdefault((d.room, d.unit, d.role), []).append(d.hostname)
    return {d.hostname: [h for h in by[(d.room, d.unit, d.role)] if h != d.hostname] for d in report.devices}


def write_assets(report: AuditReport, path: Path) -> Path:
    wb = Workbook()
    peers = peers_of(report)
    rows = []
    for n, d in enumerate(report.devices, start=1):
        p = peers[d.hostname]
        rows.append(
            [
                f"ZW-NET-{n:04d}",
                d.hostname,
                DEVICE_TYPE.get(d.role, "网络设备"),
                d.vendor,
                d.model,
                d.serial,
                f"{d.platform} {d.os_version}",
                "否",
                d.mgmt_address,
                zone_of(d),
                d.room_name or d.unit_name or "",
                "",
                PURPOSE.get(d.role, d.role),
                importance(d.role, d.unit),
                ("是：" + "、".join(p)) if p else "否",
                "市工信局",
                "",
                "中国联通（代维）",
                d.unit_name or "",
                "",
                1,
                "",
            ]
        )
    _sheet(wb, "资产清单", ASSET_COLUMNS, rows, first=True)
    lines = []
    for c in report.circuits:
        kind = "自建光纤" if c.carrier is None else "MSTP/专线"
        zone = "互联网接入区/上联" if c.role == "uplink" else "专用网络区"
        lines.append(
            [
                f"{c.a_end}—{c.z_end}",
                zone,
                c.z_end,
                c.carrier or "自建",
                kind,
                c.cid,
                c.bandwidth_mbps,
                c.a_end,
                c.a_port,
                c.z_end,
                c.z_port,
                ROLE_ZH.get(c.role, c.role),
                c.srlg or "",
                "电子政务外网业务",
                c.description,
            ]
        )
    _sheet(wb, "线路清单", LINE_COLUMNS, lines)
    _sheet(
        wb,
        "机房",
        ROOM_COLUMNS,
        [
            [
                i,
                r["name"],
                r["address"],
                "关键" if r["is_core"] else "重要",
                f"等保{r['level']}级" + ("；核心机房" if r["is_core"] else ""),
            ]
            for i, r in enumerate(report.rooms, start=1)
        ],
    )
    wb.save(path)
    return path


def evidence_id(hostname_index: int, check_index: int) -> str:
    return f"EV-{hostname_index:03d}{check_index:02d}"


def sheet_name(hostname: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", hostname)[:31]
    base, i = name, 2
    while name in used:
        name = f"{base[:28]}~{i}"
        i += 1
    used.add(name)
    return name


def write_records(report: AuditReport, path: Path) -> Path:
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append(["设备名称", "平台", "版本", "符合", "部分符合", "不符合", "不适用", "需人工核查", "得分率"])
    for c in summary[1]:
        c.font, c.fill = HEAD, HEAD_FILL
    used: set[str] = {"汇总"}
    info = {d.hostname: d for d in report.devices}
    checks = {c.id: c for c in report.catalogue.checks}
    for hi, a in enumerate(report.audits, start=1):
        d = info[a.hostname]
        counts = {
            k: sum(1 for r in a.results if r.result == k) for k in ("符合", "部分符合", "不符合", "不适用", REVIEW)
        }
        summary.append([a.hostname, a.platform, a.release, *counts.values(), round(a.score(), 3)])
        ws = wb.create_sheet(sheet_name(a.hostname, used))
        ws.append(["项目", "资产名称", "IP", "型号", "版本"])
        ws.append(["电子政务外网 等保三级 网络设备核查", a.hostname, d.mgmt_address, d.model, a.release])
        ws.append([])
        ws.append(RECORD_COLUMNS)
        for c in ws[4]:
            c.font, c.fill = HEAD, HEAD_FILL
        obj = f"{a.hostname}（{d.mgmt_address}，{d.model} {a.release}）"
        for ci, r in enumerate(a.results, start=1):
            chk = checks[r.check_id]
            score = SCORE.get(r.result)
            row = [
                f"{chk.unit} {chk.id}",
                chk.category,
                chk.control,
                chk.item,
                obj,
                r.record,
                r.result,
                score if score is not None else "",
                evidence_id(hi, ci),
                "—" if r.result in ("符合", "不适用") else chk.remediation(a.platform),
            ]
            ws.append(row)
            cell = ws.cell(row=ws.max_row, column=7)
            if r.result in RESULT_FILL:
                cell.fill = RESULT_FILL[r.result]
            for col in (6, 10):
                ws.cell(row=ws.max_row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        _widths(ws)
        ws.column_dimensions["F"].width = 80
        ws.column_dimensions["J"].width = 40
    _widths(summary)
    wb.save(path)
    return path


CLASS_ZH = {
    "isolated": "无连接",
    "single-path": "单路径",
    "same-carrier-redundant": "同运营商冗余",
    "dual-carrier": "双运营商",
    "dual-carrier-room-diverse": "双运营商且不同节点机房",
}
KIND_ZH = {
    "link": "链路",
    "device": "设备",
    "unit-device": "单位设备",
    "srlg": "共享风险组",
    "room": "机房",
    "carrier": "运营商",
}


def _device_rows(report: AuditReport) -> list[list[Any]]:
    """Key devices: redundant peer in the same room, and what N-1 says of each."""
    red = report.redundancy
    peers = peers_of(report)
    spof_dev = {f.element: f for f in red.spofs if f.kind in ("device", "unit-device")} if red else {}
    rows = []
    for d in report.devices:
        if d.unit is not None:
            continue
        p = peers[d.hostname]
        f = spof_dev.get(d.hostname)
        verdict = "不符合" if f else "部分符合" if p else "需人工核查"
        rows.append(
            [
                d.hostname,
                PURPOSE.get(d.role, d.role),
                d.room_name or "",
                "同机房同角色双机" if p else "未识别",
                "、".join(p) or "—",
                f"单点故障：中断 {f.terminals_lost} 台终端" if f else "N-1 仿真不中断终端",
                "需现场核查（display power / show environment power）",
                "拓扑 N-1 仿真；配置快照 SHA-256 见证据包",
                "无记录（需补充切换演练）",
                verdict,
            ]
        )
    return rows


def _line_rows(report: AuditReport) -> list[list[Any]]:
    """Each unit's access lines: carriers, devices and rooms behind them, and its protection class."""
    red = report.redundancy
    if not red:
        return []
    by_cid = {c.cid: c for c in report.circuits}

    def fmt(acc: list[Any]) -> str:
        return (
            "；".join(
                f"{by_cid[a.circuit].carrier if a.circuit in by_cid else a.carrier}/{a.circuit}/"
                f"{a.bandwidth_mbps}M/{a.unit_device}"
                for a in acc
            )
            or "—"
        )

    line_rows = []
    for code, up in sorted(red.protection.items()):
        prim = [a for a in up.access if a.role == "primary"]
        back = [a for a in up.access if a.role != "primary"]
        carriers = {a.carrier for a in up.access if a.carrier}
        devices = {a.unit_device for a in up.access}
        rooms = {a.far_room for a in up.access if a.far_room}
        srlg = "；".join(up.shared_risks) or "未识别共享风险"
        verdict = (
            "符合"
            if up.cls == "dual-carrier-room-diverse" and len(devices) > 1
            else "部分符合"
            if up.cls.startswith("dual-carrier") or up.cls == "same-carrier-redundant"
            else "不符合"
        )
        line_rows.append(
            [
                f"{code} {up.name}",
                fmt(prim),
                fmt(back),
                "是" if len(carriers) > 1 else "否",
                "是" if len(devices) > 1 else "否",
                "是" if len(rooms) > 1 else "否",
                srlg,
                CLASS_ZH.get(up.cls, up.cls),
                "无记录",
                up.terminals,
                verdict,
            ]
        )
    return line_rows


def _spof_rows(report: AuditReport) -> list[list[Any]]:
    red = report.redundancy
    units = red.units if red else []
    spof_rows = []
    for f in red.spofs if red else []:
        level = (
            "高" if f.terminals_lost >= 500 or f.kind in ("room", "srlg") else "中" if f.terminals_lost >= 100 else "低"
        )
        spof_rows.append(
            [
                f.element,
                KIND_ZH.get(f.kind, f.kind),
                len(f.units_cut),
                f.terminals_lost,
                "、".join(units[i] for i in f.units_cut[:12]) + ("…" if len(f.units_cut) > 12 else ""),
                level,
                "增加冗余设备/线路或不同运营商、不同机房的备份路径",
            ]
        )
    return spof_rows


def _n1_rows(report: AuditReport) -> list[list[Any]]:
    red = report.redundancy
    units = red.units if red else []
    return [
        [
            KIND_ZH.get(f.kind, f.kind),
            f.element,
            len(f.units_cut),
            f.terminals_lost,
            len(f.units_failover),
            f.terminals_failover,
            "、".join(units[i] for i in f.units_cut[:20]),
        ]
        for f in (red.failures if red else [])
    ]


def _summary_rows(report: AuditReport) -> list[list[Any]]:
    red = report.redundancy
    counts: dict[str, int] = {}
    for up in red.protection.values() if red else []:
        counts[up.cls] = counts.get(up.cls, 0) + 1
    summ: list[list[Any]] = [
        ["生成时间", report.generated_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")],
        ["接入单位数", len(red.protection) if red else 0],
    ]
    summ += [[f"保护等级：{k}", v] for k, v in sorted(counts.items())]
    summ += [["单点故障数", len(red.spofs) if red else 0], ["N-1 仿真失效场景数", len(red.failures) if red else 0]]
    return summ


def write_redundancy(report: AuditReport, path: Path) -> Path:
    wb = Workbook()
    _sheet(
        wb,
        "关键设备冗余",
        ["设备名称", "角色", "所在机房", "冗余方式", "冗余对端", "N-1 结果", "电源", "证据", "最近切换演练", "结论"],
        _device_rows(report),
        first=True,
    )
    _sheet(
        wb,
        "通信线路冗余",
        [
            "单位/节点",
            "主线路(运营商/电路编号/带宽/接入设备)",
            "备线路",
            "是否双运营商",
            "是否不同接入设备",
            "是否不同汇聚节点机房",
            "共享风险(SRLG)",
            "保护等级",
            "最近演练",
            "终端数",
            "结论",
        ],
        _line_rows(report),
    )
    _sheet(
        wb, "单点故障清单", ["对象", "类型", "影响单位数", "影响终端数", "影响单位", "风险等级", "整改建议"],
        _spof_rows(report)
    )
    _sheet(
        wb,
        "N-1仿真",
        ["失效类型", "失效对象", "中断单位数", "中断终端数", "切换到备份的单位数", "切换终端数", "中断单位"],
        _n1_rows(report),
    )
    _sheet(wb, "汇总", ["项目", "值"], _summary_rows(report))
    wb.save(path)
    return path
