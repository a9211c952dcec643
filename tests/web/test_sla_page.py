"""The SLA page without a browser: who may open it, its heat map against the API's figures for the same year,
the drill-down down to the evidence rows, both languages, and the plain empty state."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, form_login
from tests.web.sla_record import BACKUP, PRIMARY, YEAR, write_record
from web.i18n import SLA_LABELS

CELL = re.compile(r'<td class="cell ([^"]*)"\s+data-month="(\d+)" data-band="(\w+)" (?:data-availability="([^"]*)")?')
ROW = re.compile(r'<tr data-cid="([^"]+)">(.*?)</tr>', re.S)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from api import auth
    from inventory.db import get_engine, session_scope
    from inventory.service import load_sample, prepare
    from web.app import create_app

    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('slapage') / 'x.db'}")
    prepare(engine)
    load_sample(engine)
    with session_scope(engine, actor="test") as s:
        for name, role in (("s-fin", "finance"), ("s-view", "viewer"), ("s-eng", "engineer")):
            auth.create_user(s, name, PASSWORD, role, "test")
        user = auth.create_user(s, "s-api", PASSWORD, "finance", "test")
        token, _ = auth.create_token(s, user, "tests")
    names = write_record(engine)
    client = TestClient(create_app(engine), base_url="http://127.0.0.1")
    yield client, token, names
    engine.dispose()


def _login(client: TestClient, user: str) -> TestClient:
    client.cookies.clear()
    r = form_login(client, {"username": user, "password": PASSWORD, "next": "/sla"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def _cells(html: str) -> dict[str, list[tuple[str, str, str]]]:
    return {cid: [(cls, band, av) for cls, _, band, av in CELL.findall(body)] for cid, body in ROW.findall(html)}


def test_who_may_open_it(env) -> None:
    client, _, _ = env
    client.cookies.clear()
    r = client.get("/sla", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/sla"
    for user in ("s-view", "s-eng"):  # money.read is finance, planner and auditor's, as the API's
        assert _login(client, user).get("/sla").status_code == 403
        assert 'href="/sla"' not in client.get("/units").text  # and the navigation does not offer it
    r = _login(client, "s-fin").get("/sla")
    assert r.status_code == 200 and 'data-nav="sla"' in r.text


def test_heat_map_cells_are_the_api_figures(env) -> None:
    client, token, _ = env
    _login(client, "s-fin")
    html = client.get(f"/sla?year={YEAR}").text
    api = client.get(f"/api/v1/sla/ledger?year={YEAR}&by=circuit",
                     headers={"Authorization": f"Bearer {token}"}).json()
    cells = _cells(html)
    assert set(cells) == {line["key"] for line in api["lines"]}
    for line in api["lines"]:
        got = cells[line["key"]]
        assert len(got) == 12
        for (cls, band, av), m in zip(got, line["months"], strict=True):
            assert av != "" and round(float(av), 6) == m["availability"], line["key"]
            # unmeasured never reads as up: a month no source measured is the grey hatched cell
            if m["up_s"] + m["down_s"] == 0:
                assert band == "unmeasured"
            elif m["unmeasured_s"] > 0:
                assert "part-unmeasured" in cls
    march = cells[PRIMARY][2]
    assert march[1] == "unmeasured" and float(march[2]) == 0
    may = next(x for x in api["lines"] if x["key"] == PRIMARY)["months"][4]
    assert may["down_s"] >= 7200 - 300 and cells[PRIMARY][4][1] != "a5"  # two hours down in May
    assert cells[BACKUP][4][1] == "a5"
    assert "未测量（无证据）" in html and "可用率%" in html


def test_carriers_and_filters(env) -> None:
    client, token, _ = env
    _login(client, "s-fin")
    api = client.get(f"/api/v1/sla/ledger?year={YEAR}&by=carrier",
                     headers={"Authorization": f"Bearer {token}"}).json()
    html = client.get(f"/sla?year={YEAR}").text
    table = html.split('id="sla-carriers"')[1].split("</table>")[0]
    for line in api["lines"]:
        row = re.search(rf'<tr data-carrier="{line["key"]}">(.*?)</tr>', table, re.S).group(1)
        av = re.search(r'data-availability="([^"]*)"', row).group(1)
        assert round(float(av), 6) == line["figures"]["availability"]
        assert float(re.search(r'data-down="([^"]*)"', row).group(1)) == line["figures"]["down_s"]
    assert table.index('data-carrier="unicom"') < table.index('data-carrier="telecom"')
    outages = re.search(r'<tr data-carrier="unicom">.*?data-outages="(\d+)"', table, re.S).group(1)
    assert int(outages) >= 1
    only = _cells(client.get(f"/sla?year={YEAR}&carrier=telecom&role=backup").text)
    assert BACKUP in only and PRIMARY not in only and all(c.startswith("DX-") for c in only)
    unit = set(_cells(client.get(f"/sla?year={YEAR}&carrier=&role=&unit=U001&room=").text))  # as the form sends
    assert {PRIMARY, BACKUP} <= unit and all("U001" in c for c in unit)  # its carrier circuits and its own links


def test_drill_down_shows_the_outage_and_its_evidence(env) -> None:
    client, _, names = env
    _login(client, "s-fin")
    html = client.get(f"/sla?year={YEAR}&cid={PRIMARY}&month=5").text
    drill = html.split('id="drill"')[1]
    outages = drill.split('id="drill-outages"')[1].split("</table>")[0]
    assert outages.count("<tr data-outage=") == 1
    assert "2022年5月4日 08:56" in outages  # syslog's instant, inside SNMP's five minutes
    assert names["p_host"] in outages and "备用线路就绪" in outages and "接管用时" in outages
    assert unescape(names["msg_down"]) in unescape(outages)  # the message itself, not an id
    ivs = drill.split('id="drill-intervals"')[1].split("</table>")[0]
    assert 'data-state="down"' in ivs and "syslog链路事件" in ivs and "SNMP接口状态" in ivs
    assert "ifOperStatus down" in ivs  # the SNMP sample that opened the down interval
    # the device behind each row links to its page (finance reads the inventory)
    assert f'href="/devices/{names["p_host"]}"' in drill
    # a month with no outage says so; an unknown circuit is plain
    assert "当月无中断" in client.get(f"/sla?year={YEAR}&cid={PRIMARY}&month=3").text
    aug = client.get(f"/sla?year={YEAR}&cid={PRIMARY}&month=8").text.split('id="drill"')[1]
    probe = aug.split('id="drill-outages"')[1].split("</table>")[0]
    assert probe.count("<tr data-outage=") == 1 and 'data-kind="probe"' in probe
    assert "nqa wan-primary icmp → 10.255.1.1: fail · 0/5" in unescape(probe) and "探测(NQA/IP SLA)" in aug
    assert 'id="drill-missing"' in client.get(f"/sla?year={YEAR}&cid=NOPE&month=3").text
    assert client.get(f"/sla?year={YEAR}&cid=<script>&month=3").status_code == 422


def test_english_is_complete_and_no_key_shows(env) -> None:
    client, _, _ = env
    _login(client, "s-fin")
    zh = client.get(f"/sla?year={YEAR}&cid={PRIMARY}&month=5").text
    client.cookies.set("lang", "en")
    en = client.get(f"/sla?year={YEAR}&cid={PRIMARY}&month=5").text
    for key, (z, e) in SLA_LABELS.items():
        if key.startswith(("ev_", "cause_")) and key not in ("ev_lsi", "ev_syslog", "ev_sample"):
            continue  # kinds that this record's month does not hold
        if key in ("more_intervals", "no_outage", "no_record_title", "no_record_help", "still_open", "typed",
                   "not_in_record", "no_takeover", "no_backup", "backup_not_ready", "maintenance_short"):
            continue
        assert z in zh, key
        assert e in unescape(en), key
    assert "Availability (SLA)" in en and "Unicom" in en and "Telecom" in en and "Jan" in en
    for page in (zh, en):  # a key is never shown: none of the page's keys, written as keys, is in the text
        visible = re.sub(r"<[^>]+>", " ", page.split("<main")[1])
        for key in SLA_LABELS:
            if "_" in key:
                assert key not in visible, key
    client.cookies.set("lang", "zh")


def test_a_year_with_no_record_says_so(env) -> None:
    client, _, _ = env
    _login(client, "s-fin")
    html = client.get("/sla?year=2019").text
    assert 'id="sla-empty"' in html and "本年度尚无记录" in html and "docs/telemetry.md" in html
    assert "extranet snmp poll" in html and 'id="sla-heatmap"' not in html


def test_cell_bands_keep_unmeasured_and_maintenance_apart() -> None:
    from money.sla import Seconds
    from web.pages.sla_pages import band, dur, pct

    assert band(None) == "na"
    assert band(Seconds(unmeasured=86400)) == "unmeasured"  # no evidence: never a colour of availability
    assert band(Seconds(maintenance=3600)) == "maint"  # a month spent in a window, nothing measured down
    assert band(Seconds(maintenance=3600, unmeasured=10)) == "unmeasured"
    assert band(Seconds(up=999, down=1)) == "a5" and band(Seconds(up=99, down=1)) == "a3"
    assert band(Seconds(up=90, down=10)) == "a1"
    assert band(Seconds(up=50, unmeasured=50)) == "a1"  # availability counts unmeasured against (the hatch says why)
    assert pct(99.99777) == "99.99" and pct(100.0) == "100.00" and pct(None) == "—" and pct(12.3456, 3) == "12.345"
    assert dur(7275) == "2小时1分" and dur(86400 * 31) == "31天" and dur(0, zh=False) == "0 min"


def test_the_empty_state_in_english(env) -> None:
    client, _, _ = env
    _login(client, "s-fin")
    client.cookies.set("lang", "en")
    html = unescape(client.get("/sla?year=2019").text)
    client.cookies.set("lang", "zh")
    assert SLA_LABELS["no_record_title"][1] in html and SLA_LABELS["no_record_help"][1] in html
