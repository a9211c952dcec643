"""The result vocabulary of the assessors' sheets (re-exported by audit.catalogue). Its own module so that
the platform modules can use it without importing the catalogue, which asks the platform registry."""

from __future__ import annotations

# Plus the internal state that must be resolved before export.
PASS, PARTIAL, FAIL, NA, REVIEW = "符合", "部分符合", "不符合", "不适用", "需人工核查"
RESULTS = (PASS, PARTIAL, FAIL, NA, REVIEW)
SCORE = {PASS: 1.0, PARTIAL: 0.5, FAIL: 0.0}
# Ordering used to say whether a result got worse (not applicable counts as passing).
RANK = {PASS: 4, NA: 4, REVIEW: 3, PARTIAL: 2, FAIL: 1}
