"""A map level (topology.layout) as vis-network data: colours, dashes, curves and labels."""

from __future__ import annotations

from typing import Any

from topology.layout import MapLevel

CARRIER_COLOURS = {"unicom": "#d0021b", "telecom": "#1565c0", None: "#8d8d8d"}
CLASS_COLOURS = {"isolated": "#424242", "single-path": "#ef5350", "same-carrier-redundant": "#ffb300",
                 "dual-carrier": "#66bb6a", "dual-carrier-room-diverse": "#1b5e20", None: "#b0bec5"}
SPOF_BORDER = "#ff6d00"


def _terms(n: int, lang: str) -> str:
    return f"{n:,}终端" if lang == "zh" else f"{n:,} terminals"


def vis_data(m: MapLevel, lang: str = "zh") -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    for n in m.nodes:
        node: dict[str, Any] = {"id": n.id, "x": n.x, "y": n.y, "kind": n.kind, "name": n.label,
                                "terminals": n.terminals, "cls": n.cls, "spof": n.spof, "room": n.room,
                                "unit": n.unit, "saved": n.saved}
        mark = "⚠ " if n.spof else ""
        if n.kind == "room":
            sub = (f"{n.units}个单位 · " if lang == "zh" else f"{n.units} units · ") + _terms(n.terminals, lang)
            node.update(label=f"{mark}{n.label}\n{sub}", shape="box", font={"size": 30},
                        color={"background": "#263238" if n.is_core else "#455a64", "border": SPOF_BORDER
                               if n.spof else "#102027"}, borderWidth=4 if n.spof else 1,
                        margin=8)
            node["font"]["color"] = "#ffffff"
        elif n.kind == "unit":
            node.update(label=f"{n.label}\n{n.terminals}", shape="dot", size=10 + min(n.terminals, 1500) ** 0.5 / 2.5,
                        color={"background": CLASS_COLOURS.get(n.cls, "#b0bec5"), "border": "#37474f"},
                        font={"size": 18})
        elif n.kind == "external":
            node.update(label=n.label, shape="hexagon", size=22, color="#6a1b9a", font={"size": 13})
        elif n.kind == "segment":  # a shared LAN: the switch nobody collected
            node.update(label=mark + n.label, shape="diamond", size=8, font={"size": 9},
                        color={"background": "#90a4ae", "border": SPOF_BORDER if n.spof else "#455a64"},
                        borderWidth=4 if n.spof else 1)
        else:
            colour = CLASS_COLOURS.get(n.cls) if n.unit else ("#263238" if n.role == "core" else "#546e7a")
            label = n.label + (f"\n{n.terminals}" if n.terminals else "")
            node.update(label=mark + label, shape="square" if not n.unit else "dot", size=7 if n.unit else 11,
                        color={"background": colour, "border": SPOF_BORDER if n.spof else "#263238"},
                        borderWidth=4 if n.spof else 1, font={"size": 9 if n.unit else 11})
        nodes.append(node)
    kinds = {n.id: (n.kind, n.unit) for n in m.nodes}
    edges: list[dict[str, Any]] = []
    for e in m.edges:
        # A unit's own access circuit being a SPOF is what its class colour already says; the glow
        # is for the backbone elements whose failure hits many units.
        backbone = not any(kinds.get(x, ("", None))[0] == "unit" or kinds.get(x, ("", None))[1]
                           for x in (e.source, e.target))
        edge: dict[str, Any] = {"id": e.id, "from": e.source, "to": e.target, "carrier": e.carrier, "role": e.role,
                                "bandwidth": e.bandwidth_mbps, "srlg": e.srlg, "spof": e.spof, "source": e.source_kind,
                                "color": {"color": CARRIER_COLOURS.get(e.carrier, "#8d8d8d")},
                                "width": 3.5 if e.spof and backbone else (2 if e.role in ("uplink",) else 1.2),
                                "dashes": e.role == "backup", "title": _edge_title(e, lang)}
        if e.source_kind != "declared":
            # Seen on the devices (LLDP / shared subnet) but declared nowhere: dotted, so drift shows.
            edge["dashes"] = [2, 4]
        if e.spof and backbone:
            edge["shadow"] = {"enabled": True, "color": SPOF_BORDER, "size": 6, "x": 0, "y": 0}
        if e.parallel:
            # Parallel circuits between the same two nodes fan out as alternating curves.
            k = (e.parallel + 1) // 2
            edge["smooth"] = {"enabled": True, "type": "curvedCW" if e.parallel % 2 else "curvedCCW",
                              "roundness": min(0.12 * k, 0.6)}
        edges.append(edge)
    return {"level": m.level, "nodes": nodes, "edges": edges}


def _edge_title(e: Any, lang: str) -> str:
    names = {"unicom": "联通", "telecom": "电信"}
    carrier = names.get(e.carrier or "", "自建") if lang == "zh" else (e.carrier or "own")
    role = {"primary": "主用", "backup": "备用", "uplink": "上联", "internal": "内部"}.get(e.role, e.role) \
        if lang == "zh" else e.role
    extra = f" · {e.srlg}" if e.srlg else ""
    spof = (" · ⚠ 单点故障" if lang == "zh" else " · ⚠ SPOF") if e.spof else ""
    return f"{e.id} · {carrier} · {role} · {e.bandwidth_mbps} Mbps{extra}{spof}{_evidence(e.evidence, lang)}"


def _evidence(ev: dict[str, Any] | None, lang: str) -> str:
    """What made a discovered link, in one line of its tooltip."""
    if not ev:
        return ""
    if "subnet" in ev:
        vrf = ev.get("vrf")
        where = f" VRF {vrf}" if isinstance(vrf, str) and vrf else ""
        kind = {"segment": ("共享网段", "shared segment"), "point-to-point": ("点到点", "point-to-point")}.get(
            str(ev.get("kind")), (str(ev.get("kind")), str(ev.get("kind"))))[0 if lang == "zh" else 1]
        return f"\n{kind} {ev['subnet']}{where} · {ev.get('members')}" + (" 个成员" if lang == "zh" else " members")
    seen = ev.get("seen_by") or {}
    how = {"name": ("系统名", "system name"), "mgmt_address": ("管理地址", "management address"),
           "chassis_id": ("机箱 ID", "chassis id")}
    parts = [f"{host}: {how.get(str(v.get('matched_by')), ('?', '?'))[0 if lang == 'zh' else 1]}"
             for host, v in sorted(seen.items())]
    label = str(ev.get("protocol", "")).upper()
    return f"\n{label} " + ("按" if lang == "zh" else "by ") + ", ".join(parts) if parts else ""
