"""Run the catalogue over one device's config: a result per check with a 结果记录 draft, never an exception.

Safety rules, in order: a text that does not look like a config of the platform → every config check
needs review citing the first line; a value a rule cannot read → needs review citing that line; a
result concluded from an absent command on a config without its terminator (`return` / `end`) →
needs review citing the last line received; anything unexpected inside a rule → needs review with
`internal_error` set (the fuzz test asserts this never happens)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import platforms
from .catalogue import REVIEW, SCORE, Catalogue, Check, load_catalogue
from .config import Config, parse
from .judge import Outcome, Unparseable
from .platforms.base import Context
from .rules import RULES

CONFIG_READERS = {"config"}
CHINA = dt.timezone(dt.timedelta(hours=8))
REVIEW_TAIL = "需结合访谈/现场测试确认"


@dataclass
class CheckResult:
    check_id: str
    result: str
    record: str  # 结果记录 draft, secrets masked
    lines: list[int] = field(default_factory=list)  # config line numbers cited
    by_default: bool = False
    internal_error: bool = False
    resolved_by: str | None = None  # the assessor who resolved a 需人工核查 item


@dataclass
class DeviceAudit:
    hostname: str
    platform: str
    release: str
    results: list[CheckResult]
    collected_at: dt.datetime | None = None
    config_sha256: str | None = None

    def by_id(self) -> dict[str, CheckResult]:
        return {r.check_id: r for r in self.results}

    def score(self) -> float:
        scored = [SCORE[r.result] for r in self.results if r.result in SCORE]
        return sum(scored) / len(scored) if scored else 0.0


def release_from_config(cfg: Config, fallback: str = "") -> str:
    for ln in cfg.lines[:40]:
        m = re.match(r"^\s*!?\s*Software Version\s+(\S+)", ln.text) or re.match(r"^\s*version\s+(.+)$", ln.text)
        if m:
            return m.group(1).strip()
    text = cfg.text[:400]
    m = re.search(r"!Software Version\s+(\S+)", text) or re.search(r"(?m)^!version\s+(\S+)", text)  # VRP / ZXROS
    return m.group(1) if m else fallback


def _record(facts: list[str], collected_at: dt.datetime | None, platform: str, review: bool) -> str:
    when = collected_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if collected_at else None
    parts = [f"{i}) 已核查，{f}" if not f.startswith(("已", "经")) else f"{i}) {f}"
             for i, f in enumerate((f for f in facts if f), start=1)]
    text = "；".join(parts) + "。"
    if when:
        text += f"（配置采集时间 {when}）"
    if review and REVIEW_TAIL not in text:
        text += REVIEW_TAIL + "。"
    return text  # quoted config lines are masked one by one (Line.masked): a second pass is not idempotent


def evaluate_check(check: Check, ctx: Context, collected_at: dt.datetime | None = None) -> CheckResult:
    cfg = ctx.config
    reads_config = bool(CONFIG_READERS & set(check.reads))
    if reads_config and not cfg.plausible:
        first = next((ln for ln in cfg.lines), None)
        where = first.cite() if first else "（空配置）"
        return CheckResult(check.id, REVIEW, _record([f"配置无法识别为 {ctx.platform} 格式，首行"
                                                      f" {where}"], collected_at,
                                                      ctx.platform, True), [first.no] if first else [])
    try:
        out: Outcome = RULES[check.rule](ctx)
    except Unparseable as exc:
        return CheckResult(check.id, REVIEW, _record([f"无法解析的配置行"
                                                      f" {exc.line.cite()}{exc.why and '：' + exc.why}"],
                                                      collected_at, ctx.platform, True), [exc.line.no])
    except Exception as exc:
        return CheckResult(check.id, REVIEW, _record([f"规则执行异常（{type(exc).__name__}），需"
                                                      "人工核查"], collected_at,
                                                      ctx.platform, True), [], internal_error=True)
    if out.by_absence and reads_config and not cfg.terminated:
        last = cfg.last_line()
        where = last.cite() if last else "（空配置）"
        term = ctx.dialect.terminator_word
        facts = [f"配置不完整（未以 {term} 结束，末行 {where}），"
                 f"不能据缺失的命令判定；已得事实：{'；'.join(out.facts)}"]
        return CheckResult(check.id, REVIEW, _record(facts, collected_at, ctx.platform, True),
                           [last.no] if last else [])
    return CheckResult(check.id, out.result, _record(out.facts, collected_at, ctx.platform, out.result == REVIEW),
                       sorted({ln.no for ln in out.lines}), by_default=out.by_default)


def evaluate_config(text: str, platform: str, *, catalogue: Catalogue | None = None, hostname: str = "",
                    release: str = "", role: str = "", room: str | None = None, unit: str | None = None,
                    collected_at: dt.datetime | None = None, now: dt.datetime | None = None,
                    runtime: dict[str, str] | None = None, spof: dict[str, int] | None = None,
                    peers: list[str] | None = None, config_sha256: str | None = None) -> DeviceAudit:
    """Every catalogue check on one config. `platform` must be one of catalogue.PLATFORMS (others: every
    check needs review)."""
    cat = catalogue or load_catalogue()
    dialect = platforms.find(platform)
    if dialect is None:
        results = [CheckResult(c.id, REVIEW, f"1) 平台 {platform} 无规则包，需人工核查。", []) for c in cat.checks]
        return DeviceAudit(hostname, platform, release, results, collected_at, config_sha256)
    cfg = parse(text or "", dialect)
    rel = release_from_config(cfg, release) or release
    ctx = Context(config=cfg, dialect=dialect, release=rel, thresholds=cat.thresholds, defaults=cat.defaults,
                  hostname=hostname or cfg.hostname or "", role=role, room=room, unit=unit, snapshot_at=collected_at,
                  now=now, runtime=runtime or {}, spof=spof, peers=peers or [])
    results = [evaluate_check(c, ctx, collected_at) for c in cat.checks]
    return DeviceAudit(hostname or cfg.hostname or "", platform, rel, results, collected_at, config_sha256)
