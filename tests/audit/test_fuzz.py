"""The evaluator never raises: arbitrary text, truncated configs, dropped and garbled lines all give a
result for every check; what cannot be decided is 需人工核查 citing a line, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.catalogue import PASS, PLATFORMS, RESULTS, REVIEW, load_catalogue
from audit.evaluate import evaluate_config

from .configs import BASES

CHECKS = [c.id for c in load_catalogue().checks]
ABSENCE_DECIDED = ("CE-08", "CE-17", "CE-20")  # 符合 on the bases only because nothing cleartext is configured
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _sane(text: str, platform: str) -> dict:
    audit = evaluate_config(text, platform)
    got = {r.check_id: r for r in audit.results}
    assert list(got) == CHECKS
    n_lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for r in got.values():
        assert r.result in RESULTS
        assert not r.internal_error, (r.check_id, r.record)
        assert r.record
        assert all(1 <= n <= n_lines for n in r.lines), (r.check_id, r.lines)
    return got


@FAST
@given(st.sampled_from(PLATFORMS), st.text(max_size=400))
def test_arbitrary_text(platform: str, text: str) -> None:
    _sane(text, platform)


@FAST
@given(st.sampled_from(PLATFORMS), st.data())
def test_truncated_anywhere(platform: str, data: st.DataObject) -> None:
    lines = BASES[platform].splitlines()
    k = data.draw(st.integers(0, len(lines) - 2))
    cut = data.draw(st.integers(0, 40))
    text = "\n".join([*lines[:k], lines[k][:cut]])  # the last line itself may be cut mid-word
    got = _sane(text, platform)
    for cid in ABSENCE_DECIDED:
        assert got[cid].result != PASS, (cid, got[cid].record)
        if got[cid].result == REVIEW:
            assert got[cid].lines or "第1行" in got[cid].record or "空配置" in got[cid].record


garbage = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@FAST
@given(st.sampled_from(PLATFORMS), st.data())
def test_garbled_lines(platform: str, data: st.DataObject) -> None:
    lines = BASES[platform].splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "insert", "digits", "indent"]))
        if action == "drop" and len(lines) > 1:
            del lines[i]
        elif action == "insert":
            lines.insert(i, data.draw(garbage))
        elif action == "digits":
            lines[i] = "".join("x" if ch.isdigit() else ch for ch in lines[i])
        else:
            lines[i] = "   " + lines[i]
    _sane("\n".join(lines), platform)


def test_garbled_number_is_review_citing_the_line() -> None:
    text = BASES["hp_comware"].replace("password-control login-attempt 3 exceed lock-time 30",
                                       "password-control login-attempt x exceed lock-time 30")
    r = next(r for r in evaluate_config(text, "hp_comware").results if r.check_id == "CE-06")
    n = text.splitlines().index(" password-control login-attempt x exceed lock-time 30") + 1
    assert r.result == REVIEW and r.lines == [n] and "login-attempt x" in r.record
