"""`extranet analyze redundancy|spof|sweep`, `extranet simulate`, and the topology demo step."""

from __future__ import annotations

import json
import time
from dataclasses import asdict

import networkx as nx
import typer
from rich.table import Table

import answers
from answers.terms import (
    CLASSES,
    DEFAULT_MBPS_PER_TERMINAL,
    FailureSpec,
    ScenarioResult,
    SingleFailure,
    UnitProtection,
    counts,
)
from inventory.db import session_scope
from inventory.errors import ExtranetError, NotFound
from inventory.links import record_subnet_links
from inventory.service import prepare
from topology.net import get_net

from .console import console
from .demo import DemoContext, step

CLASS_ZH = {
    "isolated": "孤立 isolated",
    "single-path": "单路径 single-path",
    "same-carrier-redundant": "同运营商冗余 same-carrier-redundant",
    "dual-carrier": "双运营商 dual-carrier",
    "dual-carrier-room-diverse": "双运营商+机房分离 dual-carrier-room-diverse",
}
KIND_ZH = {"link": "线路 link", "device": "设备 device", "unit-device": "单位设备 unit device",
           "srlg": "共享风险 SRLG", "room": "机房 room",
           "carrier": "运营商 carrier"}
FAIL_KINDS = {"link": "links", "links": "links", "device": "devices", "devices": "devices", "room": "rooms",
              "rooms": "rooms", "srlg": "srlgs", "srlgs": "srlgs", "carrier": "carriers", "carriers": "carriers"}


def parse_fail(items: list[str]) -> FailureSpec:
    """`kind:name` items (kind = link, device, room, srlg, carrier) → a FailureSpec."""
    spec = FailureSpec()
    for item in items:
        kind, sep, name = item.partition(":")
        if not sep or kind not in FAIL_KINDS or not name:
            raise ExtranetError(f"bad --fail {item!r}: expected KIND:NAME with KIND one of link, device, room, "
                                "srlg, carrier (e.g. carrier:unicom, room:CITIZEN, srlg:duct:HEBEI-core)",
                                code="bad_scenario")
        getattr(spec, FAIL_KINDS[kind]).append(name)
    return spec


def print_class_counts(prot: dict[str, UnitProtection]) -> None:
    t = Table("保护等级 class", "单位 units", "终端 terminals", title="单位保护等级 Units by protection class")
    total_u = total_t = 0
    for cls, (n, terms) in counts(prot).items():
        t.add_row(CLASS_ZH[cls], str(n), f"{terms:,}")
        total_u += n
        total_t += terms
    t.add_row("[bold]合计 total[/]", f"[bold]{total_u}[/]", f"[bold]{total_t:,}[/]")
    console.print(t)


def print_spofs(g: nx.MultiGraph, hits: list[SingleFailure], top: int) -> None:
    net = get_net(g)
    title = f"单点故障 Single points of failure (top {min(top, len(hits))} of {len(hits)})"
    t = Table("#", "类型 kind", "元素 element", "断开单位 units cut", "受损 degraded", "终端 terminals lost",
              "切换备份 failover", title=title)
    for i, f in enumerate(hits[:top], start=1):
        names = ", ".join(net.units[u] for u in f.units_cut[:4]) + (" …" if len(f.units_cut) > 4 else "")
        t.add_row(str(i), KIND_ZH[f.kind], f.element, f"{len(f.units_cut)} ({names})" if f.units_cut else "0",
                  str(len(f.units_degraded)), f"{f.terminals_lost:,}", str(len(f.units_failover)))
    console.print(t)


def print_result(g: nx.MultiGraph, r: ScenarioResult, limit: int = 25) -> None:
    console.print(f"[bold]故障 failed[/]: {r.spec.describe()} — {len(r.failed_links)} links, "
                  f"{len(r.failed_devices)} devices ({r.seconds * 1000:.1f} ms)")
    console.print(f"断开 cut: [bold red]{len(r.units_cut)}[/] units, [bold red]{r.terminals_lost:,}[/] terminals lost"
                  f" (incl. {len(r.units_degraded)} units degraded); 切换到备份 failover: [bold yellow]"
                  f"{len(r.units_failover)}[/] units, {r.terminals_failover:,} terminals; "
                  f"备份过载 overloaded backups: [bold]{len(r.overloaded)}[/]")
    if r.already_down:
        console.print(f"[dim]already without the core before the failure: {', '.join(r.already_down)}[/]")
    if r.units_cut or r.units_degraded:
        hit = r.units_cut + r.units_degraded
        t = Table("单位 unit", "名称 name", "状态 state", "终端 terminals lost", title="断开的单位 Units cut",
                  caption=f"showing {min(limit, len(hit))} of {len(hit)}" if len(hit) > limit else None)
        for u in hit[:limit]:
            t.add_row(u.unit, u.name, "cut" if u in r.units_cut else "degraded", str(u.terminals))
        console.print(t)
    if r.units_failover:
        n = len(r.units_failover)
        t = Table("单位 unit", "名称 name", "终端 terminals", "经由备份线路 via backup circuits",
                  title="切换到备份的单位 Units on backup circuits",
                  caption=f"showing {min(limit, n)} of {n}" if n > limit else None)
        for u in r.units_failover[:limit]:
            t.add_row(u.unit, u.name, str(u.terminals), ", ".join(u.via) or "—")
        console.print(t)
    if r.overloaded:
        t = Table("线路 circuit", "运营商 carrier", "带宽 Mbps", "需求 demand Mbps", "单位 units",
                  title="过载的备份线路 Overloaded backup circuits")
        for o in r.overloaded[:limit]:
            t.add_row(o.circuit, o.carrier or "—", str(o.bandwidth_mbps), f"{o.demand_mbps:.1f}",
                      ", ".join(o.units[:8]) + (" …" if len(o.units) > 8 else ""))
        console.print(t)
    src = r.demand_source
    console.print(f"[dim]demand: measured for {src.get('measured', 0)} units, declared "
                  f"({DEFAULT_MBPS_PER_TERMINAL} Mbps/terminal) for {src.get('declared', 0)}[/]")


def register(app: typer.Typer) -> None:
    analyze = typer.Typer(help="Topology analyses: protection classes, single points of failure, N-1/N-2 sweeps.",
                          no_args_is_help=True)

    @analyze.command("redundancy")
    def redundancy(
        cls: str = typer.Option(None, "--class", help=f"list the units of one class ({', '.join(CLASSES)})"),
        unit: str = typer.Option(None, "--unit", help="show the evidence for one unit (code)"),
    ) -> None:
        """Per-unit protection class, computed from the graph, with the evidence."""
        prepare()
        with session_scope() as s:
            prot = answers.ask(s).protection()
        if unit:
            if unit not in prot:
                raise NotFound.of("unit", unit, sorted(prot))
            p = prot[unit]
            console.print(f"[bold]{p.unit} {p.name}[/]: {CLASS_ZH[p.cls]}, {p.terminals} terminals, "
                          f"primary room {p.primary_room or '—'}")
            t = Table("线路 circuit", "运营商 carrier", "角色 role", "Mbps", "落地 lands on", "到核心路径 path to core")
            for a, path, via in zip(p.access, p.paths, p.path_circuits, strict=True):
                t.add_row(a.circuit, a.carrier or "—", a.role, str(a.bandwidth_mbps), a.far_device.split(":", 1)[1],
                          " → ".join(n.split(":", 1)[1] for n in path) + f"\n[dim]via {', '.join(via)}[/]")
            console.print(t)
            console.print(f"rooms on its paths: {', '.join(p.rooms) or '—'}; carriers: {', '.join(p.carriers) or '—'}")
            console.print(f"shared risks (one failure takes terminals): {', '.join(p.shared_risks) or 'none'}")
            return
        print_class_counts(prot)
        if cls:
            if cls not in CLASSES:
                raise ExtranetError(f"unknown class {cls!r}; expected one of {', '.join(CLASSES)}", code="bad_input")
            t = Table("单位 unit", "名称 name", "终端 terminals", "运营商 carriers", "主机房 primary room",
                      "共享风险 shared risks", title=CLASS_ZH[cls])
            for p in prot.values():
                if p.cls == cls:
                    t.add_row(p.unit, p.name, str(p.terminals), ", ".join(p.carriers), p.primary_room or "—",
                              ", ".join(p.shared_risks[:4]) + (" …" if len(p.shared_risks) > 4 else ""))
            console.print(t)

    @analyze.command("spof")
    def spof_cmd(
        top: int = typer.Option(20, help="rows to show"),
        kind: list[str] = typer.Option(["link", "device", "unit-device", "srlg", "room"], "--kind",
                                       help="element kinds: link, device, unit-device, srlg, room"),
    ) -> None:
        """Single points of failure ranked by terminals lost."""
        prepare()
        for k in kind:
            if k not in ("link", "device", "unit-device", "srlg", "room"):
                raise ExtranetError(f"unknown kind {k!r}; expected link, device, unit-device, srlg or room",
                                    code="bad_input")
        with session_scope() as s:
            a = answers.ask(s)
            g, hits = a.graph(), a.spofs(tuple(kind))
        print_spofs(g, hits, top)

    @analyze.command("sweep")
    def sweep_cmd(
        n2: bool = typer.Option(True, "--n2/--no-n2", help="also every pair of links (extra-impact pairs)"),
        top: int = typer.Option(15, help="rows to show per table"),
        as_json: bool = typer.Option(False, "--json", help="print the whole result as JSON"),
    ) -> None:
        """Every single failure (links, devices, SRLGs, rooms) and every pair of links."""
        prepare()
        with session_scope() as s:
            a = answers.ask(s)
            g = a.graph()
            rep = a.full_sweep(n2=n2)
            overloads = a.overloads(rep.singles)
            hits = a.spofs()
        net = get_net(g)
        if as_json:
            out = {"candidates": rep.candidates, "link_pairs": rep.link_pairs, "seconds": rep.seconds,
                   "singles": [{"kind": f.kind, "element": f.element,
                                "units_cut": [net.units[u] for u in f.units_cut],
                                "units_degraded": [net.units[u] for u in f.units_degraded],
                                "terminals_lost": f.terminals_lost,
                                "units_failover": [net.units[u] for u in f.units_failover],
                                "terminals_failover": f.terminals_failover,
                                "overloaded_backups": [asdict(o) for o in overloads.get((f.kind, f.element), [])]}
                               for f in rep.singles],
                   "pairs": [asdict(p) for p in rep.pairs]}
            console.print_json(json.dumps(out, ensure_ascii=False))
            return
        t = Table("类型 kind", "元素 elements", "有影响 with loss", "有切换 with failover", "最大损失 worst terminals",
                  title=f"N-1 sweep ({rep.seconds['n1'] * 1000:.1f} ms)")
        for k, n in rep.candidates.items():
            fs = [f for f in rep.singles if f.kind == k]
            worst = max((f.terminals_lost for f in fs), default=0)
            t.add_row(KIND_ZH[k], str(n), str(sum(1 for f in fs if f.terminals_lost)),
                      str(sum(1 for f in fs if f.terminals_failover)), f"{worst:,}")
        console.print(t)
        print_spofs(g, hits, top)
        if overloads:
            t = Table("类型 kind", "元素 element", "过载的备份线路 overloaded backup circuits (demand/bandwidth Mbps)",
                      title=f"单点故障导致备份过载 Single failures that overload backups: {len(overloads)}")
            ranked = sorted(overloads.items(), key=lambda kv: -sum(o.demand_mbps - o.bandwidth_mbps for o in kv[1]))
            for (kind, name), over in ranked[:top]:
                t.add_row(KIND_ZH[kind], name, ", ".join(f"{o.circuit} {o.demand_mbps:.0f}/{o.bandwidth_mbps}"
                                                         for o in over[:4]) + (" …" if len(over) > 4 else ""))
            console.print(t)
        if n2:
            t = Table("线路 A", "线路 B", "方式 how", "额外损失 extra terminals", "单位 units",
                      title=f"N-2: {len(rep.pairs)} of {rep.link_pairs:,} link pairs lose more than their two "
                            f"singles ({rep.seconds['n2'] * 1000:.1f} ms)")
            for p in rep.pairs[:top]:
                t.add_row(p.a, p.b, p.kind, f"{p.extra_terminals:,}",
                          ", ".join(p.units[:6]) + (" …" if len(p.units) > 6 else ""))
            console.print(t)

    @analyze.command("drift")
    def drift_cmd(
        record_subnets: bool = typer.Option(False, "--record-subnets",
                                            help="first store subnet-derived adjacencies as links"),
        limit: int = typer.Option(30, help="rows to show per kind"),
    ) -> None:
        """Reconcile seen links (LLDP, shared /30-/31 subnets) with the declared circuits."""
        prepare()
        with session_scope(actor="cli") as s:
            if record_subnets:
                console.print(f"{record_subnet_links(s)} new subnet links recorded")
            report = answers.ask(s).drift()
        console.print(f"declared adjacencies {report.declared}, seen {report.seen}; LLDP collected from "
                      f"{len(report.lldp_scope)} devices; {len(report.unverifiable)} declared circuits unverifiable")
        for kind, items in report.by_kind().items():
            if not items:
                console.print(f"[green]{kind}: none[/]")
                continue
            t = Table("线路 circuit", "A", "Z", "说明 detail", title=f"{kind}: {len(items)}")
            for i in items[:limit]:
                t.add_row(i.circuit or "—", i.a, i.z, i.detail)
            console.print(t)

    app.add_typer(analyze, name="analyze")

    @app.command("simulate")
    def simulate_cmd(
        fail: list[str] = typer.Option([], "--fail", "-f",
                                       help="KIND:NAME to fail, repeatable: link:LT-U001-1, device:QHD-CORE-SW1, "
                                            "room:CITIZEN, srlg:duct:HEBEI-core, carrier:unicom"),
        save: str = typer.Option(None, "--save", help="save the scenario under this name"),
        description: str = typer.Option("", "--description", help="description of the saved scenario"),
        run: str = typer.Option(None, "--run", help="re-run a saved scenario and compare with when it was saved"),
        list_: bool = typer.Option(False, "--list", help="list saved scenarios"),
        mbps: float = typer.Option(DEFAULT_MBPS_PER_TERMINAL, "--mbps-per-terminal",
                                   help="declared demand per terminal where no counters were collected"),
        current: bool = typer.Option(False, "--with-current-outages",
                                     help="also fail every circuit whose port was collected as down"),
        as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    ) -> None:
        """What if: fail links, devices, rooms, shared-risk groups or whole carriers."""
        prepare()
        if list_:
            with session_scope() as s:
                rows = answers.ask(s).saved_scenarios()
            t = Table("名称 name", "故障 failures", "当时断开 cut when saved", "说明 description", "保存人 by",
                      title="已保存的场景 Saved scenarios")
            for r in rows:
                saved = r.spec.get("saved_result", {})
                t.add_row(r.name, FailureSpec.from_dict(r.spec.get("fail", {})).describe(),
                          str(len(saved.get("units_cut", []))), r.description, r.created_by)
            console.print(t)
            return
        if run:
            with session_scope() as s:
                a = answers.ask(s)
                cmp = a.rerun(run)
                g = a.graph()
            print_result(g, cmp.now)
            console.print(f"[bold]compared with when saved[/]: newly cut {', '.join(cmp.newly_cut) or 'none'}; "
                          f"no longer cut {', '.join(cmp.no_longer_cut) or 'none'}; terminals lost "
                          f"{cmp.terminals_lost_delta:+,}; "
                          f"newly overloaded {', '.join(cmp.newly_overloaded) or 'none'}")
            return
        spec = parse_fail(fail)
        with session_scope(actor="cli") as s:
            a = answers.ask(s)
            g = a.graph()
            if current:
                spec.links.extend(k for k in g.graph.get("down_links", []) if k not in spec.links)
            result = a.simulate(spec, mbps_per_terminal=mbps)
            if save:
                a.save_scenario(save, spec, description=description, actor="cli")
        if as_json:
            console.print_json(json.dumps(asdict(result), ensure_ascii=False))
            return
        print_result(g, result)
        if save:
            console.print(f"saved as scenario [bold]{save}[/]")


@step("拓扑与故障分析 Topology and failure analysis", order=30)
def _demo(ctx: DemoContext) -> None:
    with session_scope(ctx.engine) as s:
        a = answers.ask(s)
        started = time.perf_counter()
        g = a.graph()
        built = time.perf_counter() - started
        started = time.perf_counter()
        singles = a.failures()
        prot = a.protection()
        swept = time.perf_counter() - started
        unicom = a.simulate(FailureSpec(carriers=["unicom"]))
        reconciled = a.drift()
        started = time.perf_counter()
        pairs = a.n2()
        n2_ms = (time.perf_counter() - started) * 1000
        link_pairs = a.link_pairs()
        hits = a.spofs()
    console.print(f"graph: {g.number_of_nodes()} devices/networks, {g.number_of_edges()} circuits "
                  f"(built in {built * 1000:.0f} ms); {len(singles)} single failures swept and classified in "
                  f"{swept * 1000:.1f} ms")
    print_class_counts(prot)
    print_spofs(g, hits, 8)
    if pairs:
        worst = pairs[0]
        console.print(f"N-2: {len(pairs)} of {link_pairs:,} link pairs lose more than their two singles "
                      f"({n2_ms:.1f} ms); worst: {worst.a} + {worst.b} ({worst.kind}) — {worst.extra_terminals:,} "
                      f"terminals of {len(worst.units)} units")
    console.rule("联通全网中断 What a whole-Unicom outage does")
    print_result(g, unicom, limit=10)
    kinds = {k: len(v) for k, v in reconciled.by_kind().items()}
    console.print("对账 drift (declared vs seen): " + ", ".join(f"{k} {n}" for k, n in kinds.items())
                  + f" — LLDP from {len(reconciled.lldp_scope)} devices" + ("" if reconciled.lldp_scope else
                                                                          " (nothing collected yet: subnets only)"))
    for item in reconciled.items[:5]:
        console.print(f"  [yellow]{item.kind}[/] {item.circuit or ''} {item.a} – {item.z}: {item.detail}")
    ctx.state["topology"] = {"classes": {c: n for c, (n, _) in counts(prot).items()},
                             "unicom_outage_terminals_lost": unicom.terminals_lost}
