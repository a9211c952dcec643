"""Topology diagram for the assessor (research §D.4): zones and the node rooms as containers, carriers in
colour, backup dashed, redundant pairs marked, single points of failure highlighted, Chinese labels.

Drawn once with matplotlib and saved as SVG (text kept as text, every element carries an id such as
`room-CORE`, `spof-device-QHD-CORE-FW1`, `edge-LT-U001-1`) and PNG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyBboxPatch, Patch

from inventory.errors import ExtranetError

from ..service import AuditReport

CHINA = dt.timezone(dt.timedelta(hours=8))
COLOURS = {"unicom": "#d7191c", "telecom": "#1f6fb4", None: "#7f7f7f"}
UPLINK = "#1a9641"
CARRIER_ZH = {"unicom": "中国联通", "telecom": "中国电信"}


def cjk_font() -> str:
    """The family name of an installed CJK font (Noto Sans CJK preferred)."""
    names = sorted({f.name for f in font_manager.fontManager.ttflist})
    for want in ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro"
                                                                                                   " Hei"):
        if want in names:
            return want
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",):
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            return "Noto Sans CJK JP"
    cjk = [n for n in names if "CJK" in n or "Hei" in n]
    if cjk:
        return cjk[0]
    raise ExtranetError("no CJK font installed: apt-get install fonts-noto-cjk", code="audit.no_cjk_font")


def _layout(report: AuditReport) -> dict[str, Any]:
    rooms = [r for r in report.rooms if not r["is_core"]]
    core = next((r for r in report.rooms if r["is_core"]), None)
    W = 30.0
    col_w = (W - 1.0) / max(1, len(rooms))
    room_box: dict[str, tuple[float, float, float, float]] = {}
    if core:
        room_box[core["code"]] = (W / 2 - 4.5, 11.8, 9.0, 2.6)
    for i, r in enumerate(rooms):
        room_box[r["code"]] = (0.5 + i * col_w + 0.2, 7.0, col_w - 0.4, 3.2)
    pos: dict[str, tuple[float, float]] = {}
    by_room: dict[str, list[Any]] = {}
    for d in report.devices:
        if d.unit is None and d.room in room_box:
            by_room.setdefault(d.room, []).append(d)
    for code, devs in by_room.items():
        x, y, w, h = room_box[code]
        for j, d in enumerate(sorted(devs, key=lambda d: (d.role, d.hostname))):
            pos[f"device:{d.hostname}"] = (x + w * (j + 1) / (len(devs) + 1), y + h * 0.45)
    # Units: a grid under their primary room's column.
    units = report.redundancy.protection if report.redundancy else {}
    unit_room: dict[str, str] = {}
    for d in report.devices:
        if d.unit and d.unit not in unit_room:
            unit_room[d.unit] = (units[d.unit].primary_room if d.unit in units else None) or d.room or ""
    columns: dict[str, list[str]] = {}
    for u, r in sorted(unit_room.items()):
        columns.setdefault(r if r in room_box and (not core or r != core["code"]) else rooms[0]["code"] if rooms else r,
                           []).append(u)
    unit_pos: dict[str, tuple[float, float]] = {}
    for code, us in columns.items():
        x, _, w, _ = room_box.get(code, (0.5, 0, col_w, 0))
        per_row = 4
        for k, u in enumerate(us):
            rr, cc = divmod(k, per_row)
            unit_pos[u] = (x + w * (cc + 0.5) / per_row, 6.0 - 0.55 * (rr + 0.6))
    for d in report.devices:
        if d.unit in unit_pos:
            ux, uy = unit_pos[d.unit]
            n = d.hostname.rsplit("-", 1)[-1]
            off = {"AR1": -0.22, "AR2": 0.22}.get(n, 0.0)
            pos[f"device:{d.hostname}"] = (ux + off, uy + (0.12 if n.startswith("SW") else 0))
    return {"room_box": room_box, "pos": pos, "unit_pos": unit_pos, "W": W, "core": core, "rooms": rooms,
            "bottom": min((y for _, y in unit_pos.values()), default=1.0) - 0.6}


def _container(ax: Any, gid: str, x: float, y: float, w: float, h: float, label: str, color: str, style: str = "-",
               fill: str = "none") -> None:
    p = FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.05", fc=fill, ec=color, lw=1.6, ls=style)
    p.set_gid(gid)
    ax.add_patch(p)
    t = ax.text(x + 0.1, y + h - 0.12, label, ha="left", va="top", fontsize=11, color=color, weight="bold")
    t.set_gid(gid + "-label")


def _zones(ax: Any, report: AuditReport, lay: dict[str, Any], bottom: float) -> None:
    """The core, backbone and unit zones, the node rooms, and the external (upstream) nodes."""
    pos, room_box, W = lay["pos"], lay["room_box"], lay["W"]
    core = lay["core"]
    if core:
        x, y, w, h = room_box[core["code"]]
        _container(ax, "zone-core", x - 0.4, y - 0.35, w + 0.8, h + 0.9, "核心区", "#444444", "--")
    _container(ax, "zone-backbone", 0.3, 6.65, W - 0.6, 3.95, "骨干节点区（专用网络区）", "#444444", "--")
    _container(ax, "zone-units", 0.3, bottom + 0.1, W - 0.6, 6.3 - bottom, "接入单位区（97 个接入单位）"
               if len(lay["unit_pos"]) == 97 else f"接入单位区（{len(lay['unit_pos'])} 个接入单位）", "#444444", "--")
    names = {r["code"]: r["name"] for r in report.rooms}
    for code, (x, y, w, h) in room_box.items():
        _container(ax, f"room-{code}", x, y, w, h, f"{names.get(code, code)}（{code}）", "#6a3d9a", "-", "#f6f1fa")
    ext = [n for n in (report.redundancy.graph.nodes if report.redundancy else []) if str(n).startswith("external:")]
    for i, n in enumerate(ext):
        pos[n] = (W / 2 + (i - (len(ext) - 1) / 2) * 6, 15.3)
        t = ax.text(*pos[n], n.split(":", 1)[1], ha="center", va="center", fontsize=12,
                    bbox={"boxstyle": "round", "fc": "#e5f5e0", "ec": UPLINK})
        t.set_gid(f"external-{i}")


def _links(ax: Any, report: AuditReport, pos: dict[Any, tuple[float, float]]) -> None:
    spof_links = {f.element for f in (report.redundancy.spofs if report.redundancy else []) if f.kind == "link"}
    if not report.redundancy:
        return
    for a, b, key, at in report.redundancy.graph.edges(keys=True, data=True):
        if a not in pos or b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[a], pos[b]
        color = UPLINK if at.get("role") == "uplink" else COLOURS.get(at.get("carrier"), "#7f7f7f")
        if key in spof_links:
            glow, = ax.plot([x1, x2], [y1, y2], color="#ff0000", lw=4.5, alpha=0.35, solid_capstyle="round")
            glow.set_gid(f"spof-link-{key}")
        ln, = ax.plot([x1, x2], [y1, y2], color=color, lw=1.3 if at.get("role") != "internal" else 0.8,
                      ls="--" if at.get("role") == "backup" else "-", alpha=0.75)
        ln.set_gid(f"edge-{key}")


def _pairs(ax: Any, report: AuditReport, pos: dict[Any, tuple[float, float]]) -> None:
    """Redundant pairs: same room, same role (and the two CPEs of a dual-CPE unit)."""
    pairs: dict[tuple[str | None, str | None, str], list[str]] = {}
    for d in report.devices:
        pairs.setdefault((d.room, d.unit, d.role), []).append(d.hostname)
    for (room, unit, role), hosts in sorted(pairs.items(), key=lambda kv: str(kv[0])):
        pts = [pos[f"device:{h}"] for h in hosts if f"device:{h}" in pos]
        if len(pts) < 2:
            continue
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
        big = unit is None
        e = Ellipse((cx, cy), max(xs) - min(xs) + (1.2 if big else 0.65), 0.9 if big else 0.34, fill=False,
                    ec="#ff7f00", lw=1.6 if big else 0.9, ls=":")
        e.set_gid(f"pair-{unit or room}-{role}")
        ax.add_patch(e)
        if big:
            t = ax.text(cx, cy + 0.5, "冗余对", ha="center", fontsize=8, color="#ff7f00")
            t.set_gid(f"pair-{room}-{role}-label")


def _devices(ax: Any, report: AuditReport, lay: dict[str, Any]) -> None:
    """Devices (SPOFs ringed in red) and unit labels."""
    pos = lay["pos"]
    spof_dev = {f.element: f for f in (report.redundancy.spofs if report.redundancy else [])
                if f.kind in ("device", "unit-device")}
    info = {d.hostname: d for d in report.devices}
    for host, d in info.items():
        p = pos.get(f"device:{host}")
        if p is None:
            continue
        unit_dev = d.unit is not None
        mk = ax.scatter([p[0]], [p[1]], s=28 if unit_dev else 160, c="#ffffff", edgecolors="#333333", zorder=3,
                        marker="s" if d.role in ("core", "access-switch") else "o")
        mk.set_gid(f"device-{host}")
        if not unit_dev:
            ax.text(p[0], p[1] - 0.38, host, ha="center", va="top", fontsize=8)
        if host in spof_dev:
            ring = ax.scatter([p[0]], [p[1]], s=90 if unit_dev else 420, facecolors="none", edgecolors="#ff0000",
                              linewidths=2.2, zorder=4)
            ring.set_gid(f"spof-device-{host}")
            if not unit_dev:
                ax.text(p[0], p[1] + 0.3, f"单点故障 SPOF（{spof_dev[host].terminals_lost} 终端）", ha="center",
                        fontsize=7.5, color="#ff0000", weight="bold")
    units_name = {d.unit: d.unit_name for d in report.devices if d.unit}
    for u, (x, y) in lay["unit_pos"].items():
        t = ax.text(x, y - 0.2, f"{u} {(units_name.get(u) or '')[:6]}", ha="center", va="top", fontsize=5.5)
        t.set_gid(f"unit-{u}")


def _legend(ax: Any) -> None:
    handles = [Line2D([], [], color=COLOURS["unicom"], lw=2, label="中国联通（主用，实线）"),
               Line2D([], [], color=COLOURS["telecom"], lw=2, ls="--", label="中国电信（备用，虚线）"),
               Line2D([], [], color=COLOURS[None], lw=1, label="自建/内部互联"),
               Line2D([], [], color=UPLINK, lw=2, label="省级政务外网上联"),
               Line2D([], [], color="#ff0000", lw=4, alpha=0.4, label="单点故障链路"),
               Line2D([], [], marker="o", color="w", markeredgecolor="#ff0000", markersize=12, markeredgewidth=2,
                      label="单点故障设备"),
               Patch(fc="none", ec="#ff7f00", ls=":", label="冗余对（同机房同角色）"),
               Patch(fc="#f6f1fa", ec="#6a3d9a", label="节点机房")]
    leg = ax.legend(handles=handles, loc="upper left", fontsize=10, title="图例", frameon=True)
    leg.set_gid("legend")


def draw(report: AuditReport, svg_path: Path, png_path: Path, *, dpi: int = 110) -> tuple[Path, Path]:
    font = cjk_font()
    plt.rcParams.update({"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"], "svg.fonttype": "none",
                         "axes.unicode_minus": False})
    lay = _layout(report)
    W = lay["W"]
    bottom = min(lay["bottom"], 0.3)
    fig, ax = plt.subplots(figsize=(W * 0.9, (16.5 - bottom) * 0.9))
    ax.set_xlim(0, W)
    ax.set_ylim(bottom, 16.5)
    ax.axis("off")
    when = report.generated_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    ax.text(W / 2, 16.1, f"电子政务外网拓扑图（等保三级测评）  数据时间"
                         f" {when}", ha="center", fontsize=18, weight="bold")
    _zones(ax, report, lay, bottom)
    _links(ax, report, lay["pos"])
    _pairs(ax, report, lay["pos"])
    _devices(ax, report, lay)
    _legend(ax)
    fig.tight_layout()
    fig.savefig(svg_path, format="svg")
    fig.savefig(png_path, format="png", dpi=dpi)
    plt.close(fig)
    return svg_path, png_path
