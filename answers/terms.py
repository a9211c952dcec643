"""The analyses' vocabulary a front door may name (dataclasses, constants and counting over an answer),
so that no front door imports the graph, protection or sweep modules. Nothing here computes an answer."""

from __future__ import annotations

from topology.discovery import DRIFT_KINDS, DriftItem, DriftReport
from topology.failures import KINDS, SingleFailure
from topology.n2 import PairImpact
from topology.protection import CLASSES, UnitProtection, counts
from topology.scenario import DEFAULT_MBPS_PER_TERMINAL, Comparison, FailureSpec, Overload, ScenarioResult
from topology.sweep import SweepReport

__all__ = ["CLASSES", "DEFAULT_MBPS_PER_TERMINAL", "DRIFT_KINDS", "KINDS", "Comparison", "DriftItem", "DriftReport",
           "FailureSpec", "Overload", "PairImpact", "ScenarioResult", "SingleFailure", "SweepReport", "UnitProtection",
           "counts"]
