"""`extranet demo`: the main job on the embedded defaults. Each capability adds a step to STEPS, so
the demo grows with the project: set up, load the sample city, (collect, analyse, serve...)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import typer
from sqlalchemy.engine import Engine

from inventory.db import get_engine, session_scope
from inventory.service import load_sample, reset
from inventory.summary import summary

from .console import console
from .inventory import print_summary


@dataclass
class DemoContext:
    engine: Engine
    options: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)


Step = Callable[[DemoContext], None]
STEPS: list[tuple[int, str, Step]] = []


def step(title: str, order: int) -> Callable[[Step], Step]:
    """Register a demo step. Steps run by `order`: 10 load, 20 lab+collect, 30 topology, 40 money,
    50 audit, 90 serve. Any module of cli may register steps; they are imported before the demo runs."""

    def wrap(fn: Step) -> Step:
        STEPS.append((order, title, fn))
        return fn

    return wrap


@step("数据库与样例城市 Database and sample city", order=10)
def _load(ctx: DemoContext) -> None:
    started = time.perf_counter()
    reset(ctx.engine)
    report = load_sample(ctx.engine)
    ctx.state["load_seconds"] = time.perf_counter() - started
    console.print(f"loaded in {ctx.state['load_seconds']:.2f} s: "
                  + ", ".join(f"{n} {k}" for k, n in report.created.items()))
    with session_scope(ctx.engine) as s:
        print_summary(summary(s))


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        serve: bool = typer.Option(True, "--serve/--no-serve", help="end by serving the web UI (when it exists)"),
    ) -> None:
        """Run the whole job on the embedded defaults: a fresh database with the sample city, then every
        analysis the project has."""
        ctx = DemoContext(engine=get_engine(), options={"serve": serve})
        try:
            for number, (_order, title, fn) in enumerate(sorted(STEPS, key=lambda s: s[0]), start=1):
                console.rule(f"[bold]{number}. {title}")
                fn(ctx)
        finally:
            for cleanup in reversed(ctx.state.get("cleanups", [])):
                cleanup()
