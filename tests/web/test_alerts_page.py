"""The collection and alerts pages in a real browser: who collected each device, the config-change
alert the fixture's second run raised, acknowledged from the page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import CHANGED_HOST, shot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("web"), pytest.mark.timeout(300)]


def test_alert_acknowledged_from_the_page_and_collectors_shown(as_user: Any, web: Any) -> None:
    page = as_user("eng")
    page.goto(f"{web.base}/collection?run=2")  # the fixture's second run of the core room
    assert "本机采集" in page.inner_text("#engine")  # no broker in this server
    assert "QHD-CORE-SW1" in page.inner_text("#results")
    assert "/local" in page.inner_text("#results")  # host/pid/zone of the in-process collector
    page.click("#alerts-link")
    page.wait_for_url("**/alerts")
    row = page.locator("#alerts tr", has_text=f"{CHANGED_HOST}: running config changed")
    assert row.count() == 1
    row.locator("input.pick").check()
    with page.expect_navigation():
        page.click("#ack")
    assert page.locator("#alerts tr", has_text=f"{CHANGED_HOST}: running config changed").count() == 0
    page.click("#show-all")
    page.wait_for_url("**/alerts?show=all")
    acked = page.locator("#alerts tr", has_text=f"{CHANGED_HOST}: running config changed")
    assert acked.count() == 1 and "eng" in acked.inner_text()
    shot(page, "20-alerts")

    viewer = as_user("view")
    viewer.goto(f"{web.base}/alerts?show=all")
    assert viewer.locator("#ack").count() == 0 and viewer.locator("input.pick").count() == 0
