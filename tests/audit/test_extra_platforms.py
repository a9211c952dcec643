"""Ruijie RGOS and ZTE ZXROS on configs rendered by the lab: every seeded weakness makes exactly the
checks of audit/weakness.py worse than on the same device rendered hardened, and the hardened twin
is judged (not 需人工核查) wherever the platform's rule pack has a rule."""

from __future__ import annotations

import dataclasses

import pytest

from audit.catalogue import FAIL, RANK, REVIEW, load_catalogue
from audit.evaluate import evaluate_config
from audit.weakness import NOT_JUDGED, WEAKNESS_CHECKS, expected_worse
from lab.model import WEAKNESS_CODES, LabDevice
from lab.render import render_config
from tests.collectors.extra_spec import build_spec

CONFIG_CHECKS = {c.id for c in load_catalogue().checks if "config" in c.reads}
# Review by nature on any platform: interviews (CE-02 generic names, CE-09 bastion), PSIRT (CE-19), log retention
ALWAYS_REVIEW = {"CE-02", "CE-09", "CE-19", "SMC-04"}


def _devices() -> list[LabDevice]:
    base = build_spec().devices
    out = []
    for dev in base:  # each vendor's device once per weakness code, plus the spec's own mixes
        out.append(dev)
        out += [dataclasses.replace(dev, hostname=f"{dev.hostname}-{code}", weaknesses={code})
                for code in WEAKNESS_CODES if code in WEAKNESS_CHECKS]
    return out


@pytest.mark.parametrize("dev", _devices(), ids=lambda d: d.hostname)
def test_weaknesses_make_exactly_their_checks_worse(dev: LabDevice) -> None:
    got = evaluate_config(render_config(dev), dev.platform, release=dev.os_version).by_id()
    twin = evaluate_config(render_config(dataclasses.replace(dev, weaknesses=set())), dev.platform,
                           release=dev.os_version).by_id()
    assert not any(r.internal_error for r in got.values())
    worse = {c for c in CONFIG_CHECKS if RANK[got[c].result] < RANK[twin[c].result]}
    expected = expected_worse(dev.weaknesses, dev.platform)
    assert worse == set(expected), (dev.hostname, sorted(worse), got)
    for check, allowed in expected.items():
        assert got[check].result in allowed, (dev.hostname, check, got[check].record)


@pytest.mark.parametrize("platform", ["ruijie_os", "zte_zxros"])
def test_hardened_configs_are_judged_where_a_rule_exists(platform: str) -> None:
    for dev in build_spec().devices:
        if dev.platform != platform:
            continue
        hardened = dataclasses.replace(dev, weaknesses=set())
        got = evaluate_config(render_config(hardened), platform, release=dev.os_version).by_id()
        review = {c for c in CONFIG_CHECKS if got[c].result == REVIEW}
        assert review <= ALWAYS_REVIEW | NOT_JUDGED.get(platform, set()), (dev.hostname, sorted(review))
        assert not {c for c in CONFIG_CHECKS if got[c].result == FAIL} - {"CE-12"}, dev.hostname
        assert "平台" not in got["CE-01"].record  # not the "no rule pack" answer


def test_ruijie_lockout_time_falls_back_to_the_default() -> None:
    dev = next(d for d in build_spec().devices if d.platform == "ruijie_os")
    r = evaluate_config(render_config(dataclasses.replace(dev, weaknesses={"no_login_lockout"})), dev.platform,
                        release=dev.os_version).by_id()["CE-06"]
    assert r.by_default and "按缺省" in r.record and "15 小时" in r.record
