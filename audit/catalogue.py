"""The check catalogue (audit/catalogue.yaml) as validated dataclasses, with per-assessor thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from inventory.errors import ExtranetError

from . import platforms
from .results import FAIL, NA, PARTIAL, PASS, RANK, RESULTS, REVIEW, SCORE

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")
PLATFORMS = platforms.NAMES  # every check has a vendor entry for each


@dataclass(frozen=True)
class VendorRule:
    detect: str
    remediation: str


@dataclass(frozen=True)
class Check:
    id: str
    clause: str
    unit: str
    category: str  # 安全类
    control: str  # 控制点
    item: str  # 测评项
    reads: tuple[str, ...]
    rule: str
    result_rule: str
    vendors: dict[str, VendorRule]
    thresholds: tuple[str, ...] = ()
    priority: str = "NORMAL"
    weight: float = 1.0

    def remediation(self, platform: str) -> str:
        v = self.vendors.get(platform)
        return v.remediation if v else ""


@dataclass(frozen=True)
class Catalogue:
    checks: tuple[Check, ...]
    thresholds: dict[str, Any]
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, check_id: str) -> Check:
        for c in self.checks:
            if c.id == check_id:
                return c
        raise ExtranetError(f"unknown check {check_id!r}; known: {', '.join(c.id for c in self.checks)}",
                            code="audit.unknown_check")

    def with_thresholds(self, overrides: dict[str, Any]) -> Catalogue:
        unknown = sorted(set(overrides) - set(self.thresholds))
        if unknown:
            raise ExtranetError(f"unknown threshold(s) {', '.join(unknown)}; known:"
                                f" {', '.join(sorted(self.thresholds))}",
                                code="audit.bad_threshold")
        merged = dict(self.thresholds)
        for k, v in overrides.items():
            want = type(self.thresholds[k])
            if (want is int and isinstance(v, bool)) or not isinstance(v, want):
                raise ExtranetError(f"threshold {k}: expected {want.__name__}, got {v!r}", code="audit.bad_threshold")
            merged[k] = v
        return Catalogue(self.checks, merged, self.defaults)


def _check(raw: dict[str, Any], where: str) -> Check:
    need = ("id", "clause", "unit", "category", "control", "item", "reads", "rule", "result_rule", "vendors")
    missing = [k for k in need if k not in raw]
    if missing:
        raise ExtranetError(f"{where}: missing field(s) {', '.join(missing)}", code="audit.bad_catalogue")
    vendors = {}
    for p in PLATFORMS:
        v = raw["vendors"].get(p)
        if not v or "detect" not in v or "remediation" not in v:
            raise ExtranetError(f"{where} ({raw['id']}): vendors.{p} needs detect and remedia"
                                "tion", code="audit.bad_catalogue")
        vendors[p] = VendorRule(v["detect"], v["remediation"])
    return Check(id=raw["id"], clause=raw["clause"], unit=raw["unit"], category=raw["category"], control=raw["control"],
                 item=raw["item"], reads=tuple(raw["reads"]), rule=raw["rule"], result_rule=raw["result_rule"],
                 vendors=vendors, thresholds=tuple(raw.get("thresholds", ())), priority=raw.get("priority", "NORMAL"),
                 weight=float(raw.get("weight", 1.0)))


def parse_catalogue(doc: dict[str, Any], source: str = "catalogue") -> Catalogue:
    checks = [_check(c, f"{source}: checks[{i}]") for i, c in enumerate(doc.get("checks", []))]
    ids = [c.id for c in checks]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ExtranetError(f"{source}: duplicate check id(s) {', '.join(dup)}", code="audit.bad_catalogue")
    thresholds = dict(doc.get("thresholds", {}))
    for c in checks:
        for t in c.thresholds:
            if t not in thresholds:
                raise ExtranetError(f"{source}: {c.id} uses unknown threshold {t}", code="audit.bad_catalogue")
    return Catalogue(tuple(checks), thresholds, dict(doc.get("defaults", {})))


@cache
def load_catalogue() -> Catalogue:
    return parse_catalogue(yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8")), str(CATALOGUE_PATH.name))


def load_thresholds(path: Path) -> dict[str, Any]:
    """An assessor's threshold file: `thresholds: {name: value}` (or the mapping itself)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ExtranetError(f"threshold file {path} not found", code="audit.bad_threshold") from exc
    except yaml.YAMLError as exc:
        raise ExtranetError(f"{path}: not valid YAML ({exc})", code="audit.bad_threshold") from exc
    if not isinstance(doc, dict):
        raise ExtranetError(f"{path}: expected a mapping of threshold names to values", code="audit.bad_threshold")
    return dict(doc.get("thresholds", doc))


__all__ = ["FAIL", "NA", "PARTIAL", "PASS", "PLATFORMS", "RANK", "RESULTS", "REVIEW", "SCORE", "Catalogue", "Check",
           "VendorRule", "load_catalogue", "load_thresholds", "parse_catalogue"]
