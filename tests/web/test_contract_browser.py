"""In a real browser: the contract simulator page shows the signed scheme and the alternative clause sets side
by side per carrier; editing a clause (the cap) and recalculating changes the figures. Sample city, 2022
typed incidents: Unicom scores 80 → 80 % of 148.00 = 118.40 万元 under the signed scheme; the custom set
starts as the shipped line-tier set (cap 30 %: 29.6 of reduction fits), and a 10 % cap limits the reduction
to 14.80 → 133.20 万元 (90 %)."""

from __future__ import annotations

import re

from tests.web.conftest import shot

INTERNAL = re.compile(r"\b(trig_|source_|sev_|origin_|tier_|term_)\w+")


def test_contract_simulator_cap_changes_the_figures(as_user, web) -> None:
    page = as_user("fin")
    page.goto(f"{web.base}/contract")
    assert page.locator("#contract-compare").is_visible()
    assert page.locator("a[data-nav=contract]").inner_text() == "合同考核模拟"
    page.goto(f"{web.base}/contract?year=2022&source=typed")
    assert page.inner_text("#score-current-unicom") == "80"
    assert page.inner_text("#pay-current-unicom") == "118.4000"
    assert page.inner_text("#pay-custom-unicom") == "118.4000"
    assert page.inner_text("#trig-custom-unicom") == "百分制扣分"
    # the public-cloud tiers do not apply the points: Unicom's months are all above 99.9 %, it pays in full
    assert page.inner_text("#pay-cloud_tiers-unicom") == "148.0000"
    assert page.inner_text("#score-cloud_tiers-unicom") == "—"
    assert not INTERNAL.search(page.inner_text("body"))
    assert "较大 ≥ 2 h 或 ≥ 3 个单位断开" in page.inner_text("#measured-rule")
    shot(page, "contract-simulator", full_page=True)
    page.fill("#cap", "10")
    page.click("#simulate-submit")
    page.wait_for_load_state("load")
    assert "cap=10" in page.url
    assert page.inner_text("#pay-custom-unicom") == "133.2000"
    assert page.inner_text("#pct-custom-unicom") == "90.00%"
    assert page.inner_text("#trig-custom-unicom") == "百分制扣分、封顶"
    assert page.inner_text("#pay-current-unicom") == "118.4000"  # the signed scheme does not move
    assert page.input_value("#cap") == "10"
    page.fill("#cap", "abc")
    page.click("#simulate-submit")
    page.wait_for_load_state("load")
    assert page.inner_text("#contract-error").startswith("条款有误：cap")
    shot(page, "contract-simulator-cap")
    # English complete: no Chinese label left in the form, no internal key
    page.context.add_cookies([{"name": "lang", "value": "en", "url": web.base}])
    page.goto(f"{web.base}/contract?year=2022&source=typed")
    form = page.inner_text("#contract-form")
    assert "Custom clauses" in form and not re.search(r"[\u4e00-\u9fff]", form.replace("年", ""))
    assert "major ≥ 2 h or ≥ 3 units cut off" in page.inner_text("#measured-rule")
    assert not INTERNAL.search(page.inner_text("body"))
