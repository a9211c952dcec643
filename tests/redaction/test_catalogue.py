"""The redaction catalogue: every secret form of every platform (a fixture `<platform>/<form>.cfg` with
its secret values listed in `<form>.yml`) is absent from every non-admin read path, and the security
administrator's raw view still holds it.

The fixtures are imported offline, twice (the second time with each fixture's `change` applied), into
one device per platform of the sample city; then every read path is asked as a non-admin: the config,
diff and output endpoints, the device and compliance pages, the CLI diff, the compliance API, the
evidence pack and the inventory export, the database outside the raw columns, and the log records
written during the imports."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from collectors.platforms import load_profile, names
from inventory.redact import REDACTED, fingerprint, redact
from tests.web.conftest import form_login

pytestmark = pytest.mark.xdist_group("catalogue")  # one worker builds the imported, collected devices once
HERE = Path(__file__).parent
PASSWORD = "Catalogue-Test-Pw-1!"  # test fixture accounts only
NON_ADMIN = ("engineer", "auditor")  # the roles that read configs, always redacted
RAW_COLUMNS = {("config_snapshot", "text"), ("command_output", "output")}  # the admin-only raw view
FP = re.compile(r"<secret:([0-9a-f]{6})>")
ZONE = "catalogue"  # our devices' management zone: the SSH run collects only them
# vendor, model, OS release of our devices (what the lab renders in the version screens)
DEVICE = {"cisco_ios": ("Cisco", "ISR4331/K9", "16.9.8"), "huawei_vrp": ("Huawei", "S5735-S48T4X", "V200R021C10SPC600"),
          "hp_comware": ("H3C", "S5560X-30C-EI", "7.1.070, Release 6530P02"),
          "ruijie_os": ("Ruijie", "RG-S5750-48GT4XS-HP-H", "11.0(5)B9P59"),
          "zte_zxros": ("ZTE", "ZXR10 5960-52TM-HC", "V5.00.10.40")}


@dataclass(frozen=True)
class Form:
    platform: str
    name: str
    what: str
    config: str
    secrets: tuple[str, ...]
    keep: tuple[str, ...]
    change: dict[str, str] | None

    @property
    def id(self) -> str:
        return f"{self.platform}/{self.name}"


def _forms() -> list[Form]:
    out = []
    for meta_path in sorted(HERE.glob("*/*.yml")):
        if meta_path.name.startswith("_"):
            continue
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
        cfg = meta_path.with_suffix(".cfg")
        if not cfg.exists() or not meta.get("secrets"):
            raise ValueError(f"{meta_path}: a form needs its .cfg beside it and a non-empty `secrets:` list")
        out.append(Form(meta_path.parent.name, meta_path.stem, str(meta["form"]), cfg.read_text(encoding="utf-8"),
                        tuple(meta["secrets"]), tuple(meta.get("keep") or ()), meta.get("change")))
    return out


FORMS = _forms()


def _frame(platform: str) -> dict[str, str]:
    return yaml.safe_load((HERE / platform / "_frame.yml").read_text(encoding="utf-8"))


def _pattern(secret: str) -> re.Pattern[str]:
    # a short value (`public`) counts only as a whole token, not inside another word
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(secret) + r"(?![A-Za-z0-9])")


def _found(blob: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if _pattern(s).search(blob)]


# ------------------------------------------------------------------------------------ the catalogue itself
def test_every_platform_has_a_catalogue() -> None:
    have = {f.platform for f in FORMS}
    assert have == set(names()), set(names()) ^ have
    for platform in names():
        frame = _frame(platform)
        assert load_profile(platform).config_terminator.search(frame["tail"]), platform
    # the forms seen missed on real configs are all there
    wanted = {"cisco_ios/ospfv3-ipsec", "cisco_ios/radius-server-block", "cisco_ios/radius-dynamic-author",
              "cisco_ios/snmp-host-v2c", "cisco_ios/wlan-psk"}
    assert wanted <= {f.id for f in FORMS}


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.id)
def test_form_is_redacted_and_keeps_its_keywords(form: Form) -> None:
    for platform in (form.platform, None):  # None: an export that does not know the platform
        shown = redact(form.config, platform)
        assert not _found(shown, list(form.secrets)), (platform, shown)
        assert shown.count("\n") == form.config.count("\n")  # line numbers of cited lines stay right
    shown = redact(form.config, form.platform, device="QHD-CAT-T1")
    assert not _found(shown, list(form.secrets)), shown
    for kept in form.keep:
        assert kept in shown, (kept, shown)
    # each whole secret value became the fingerprint of exactly that value
    prints = set(FP.findall(shown))
    assert {fingerprint(s, "QHD-CAT-T1")[8:14] for s in form.secrets if not _is_part(s, form)} <= prints


def _is_part(secret: str, form: Form) -> bool:
    """A listed value that is only a piece of another listed value (the inside of a cipher token)."""
    return any(secret != other and secret in other for other in form.secrets)


@pytest.mark.parametrize("token", ["%^%#Zz9Qhd-Stray-Token%^%#", "%$%$Yy8Qhd-Stray%$%$", "$c$3$XxQhdStray==",
                                   "@%@%WwQhdStray@%@%", "$h$6$Vv$QhdStrayHash=="])
@pytest.mark.parametrize("platform", [*names(), None])
def test_a_cipher_token_is_masked_on_any_line(token: str, platform: str | None) -> None:
    line = f" info-center source QHD channel 7 log {token} trailing-word\n"
    shown = redact(line, platform)
    assert token not in shown and "trailing-word" in shown and " info-center source QHD channel 7 log " in shown


def test_fingerprint_is_keyed_per_device_and_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRANET_REDACTION_KEY", "catalogue-test-key-0123456789abcdef")
    a = fingerprint("public", "QHD-CAT-T1")
    assert a == fingerprint("public", "QHD-CAT-T1")  # stable: an unchanged secret keeps its fingerprint
    assert a != fingerprint("private", "QHD-CAT-T1")  # public -> private shows as a change
    assert a != fingerprint("public", "QHD-CAT-T2")  # per device: equal secrets on two devices do not show
    # never an unkeyed hash of a guessable value
    assert a[8:14] not in (hashlib.sha256(b"public").hexdigest()[:6], hashlib.md5(b"public").hexdigest()[:6])
    monkeypatch.setenv("EXTRANET_REDACTION_KEY", "another-deployment-key-0123456789")
    assert fingerprint("public", "QHD-CAT-T1") != a  # per deployment: the server-side key is in it


def test_key_file_is_made_once_and_kept_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRANET_REDACTION_KEY", raising=False)
    monkeypatch.delenv("EXTRANET_SECRETS_FILE", raising=False)
    monkeypatch.setenv("EXTRANET_HOME", str(tmp_path))
    first = fingerprint("QhdValue", "QHD-CAT-T1")
    key = tmp_path / "redaction.key"
    assert key.exists() and key.stat().st_mode & 0o077 == 0
    assert fingerprint("QhdValue", "QHD-CAT-T1") == first
    secrets_file = tmp_path / "secrets.json"
    secrets_file.write_text('{"username": "u", "password": "p", "redaction_key": "from-the-secrets-file-0123456789"}',
                            encoding="utf-8")
    monkeypatch.setenv("EXTRANET_SECRETS_FILE", str(secrets_file))
    assert fingerprint("QhdValue", "QHD-CAT-T1") != first  # the secrets file's key wins over the home file


# --------------------------------------------------------------------------------- every read path, end to end
@dataclass
class Catalogue:
    engine: Engine
    url: str
    client: TestClient
    tokens: dict[str, str]
    hosts: dict[str, str]  # platform -> hostname the forms were imported into
    device_ids: dict[str, int]
    snapshots: dict[str, tuple[int, int]]  # hostname -> (first, second) snapshot id
    secrets: dict[str, list[str]]  # hostname -> every secret value in its configs (both imports)
    log_text: str = ""
    users: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, role: str, **kw):
        r = self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[role]}"}, **kw)
        assert r.status_code == 200, (path, role, r.status_code, r.text[:300])
        return r

    @property
    def every_secret(self) -> list[str]:
        return sorted({s for v in self.secrets.values() for s in v})


def _config(platform: str, host: str, forms: list[Form], changed: bool) -> str:
    frame = _frame(platform)
    body = ""
    for f in forms:
        cfg = f.config
        if changed and f.change:
            cfg = cfg.replace(f.change["from"], f.change["to"])
        body += cfg + frame["separator"]
    return frame["head"].format(host=host) + body + frame["tail"]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalogue]:
    from api import auth
    from collectors.engine import Settings
    from inventory.collection import run_collection
    from inventory.db import session_scope
    from inventory.models import ConfigSnapshot, Device, DeviceResult
    from inventory.offline import import_folder
    from lab.model import LabSpec
    from lab.server import LabThread
    from lab.spec import build_lab_spec
    from tests.collectors.conftest import fresh_sample
    from web.app import create_app

    tmp = tmp_path_factory.mktemp("catalogue")
    engine, url = fresh_sample(tmp)
    tokens = {}
    with session_scope(engine, actor="test") as s:
        for role in auth.ROLES:
            user = auth.create_user(s, f"cat-{role}", PASSWORD, role, "test")
            tokens[role], _ = auth.create_token(s, user, "tests")
        # one device of our own per platform (the sample city has no Ruijie or ZTE device)
        hosts = {p: f"QHD-CAT-{k:02d}" for k, p in enumerate(sorted(names()), start=1)}
        for k, (p, host) in enumerate(sorted(hosts.items()), start=1):
            vendor, model, release = DEVICE[p]
            s.add(Device(hostname=host, platform=p, vendor=vendor, model=model, os_version=release,
                         serial=f"QHDCAT{k:06d}", role="aggregation",
                         mgmt_address=f"172.16.177.{k}", zone=ZONE))
        s.flush()
        ids = {d.hostname: d.id for d in s.exec(select(Device)).all()}
    by_platform = {p: [f for f in FORMS if f.platform == p] for p in names()}
    secrets = {hosts[p]: sorted({s for f in fs for s in f.secrets} | {f.change["to"] for f in fs if f.change})
               for p, fs in by_platform.items()}
    cap = _Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(cap)
    root.setLevel(logging.DEBUG)
    try:
        for step, changed in (("first", False), ("second", True)):
            folder = tmp / step
            for p, host in hosts.items():
                (folder / host).mkdir(parents=True)
                (folder / host / "config.txt").write_text(_config(p, host, by_platform[p], changed), encoding="utf-8")
            report = import_folder(engine, folder, actor="test")
            assert report.ok == len(hosts), report
        snaps = {}
        with session_scope(engine) as s:
            for host in hosts.values():
                rows = s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == ids[host])
                              .order_by(ConfigSnapshot.id)).all()
                assert len(rows) == 2, host
                snaps[host] = (rows[0].id, rows[1].id)
            spec = build_lab_spec(s)
        # ... and collected over SSH from the lab, the forms (as changed) in each device's running config
        mine = LabSpec(devices=[d for d in spec.devices if d.hostname in snaps])
        for dev in mine.devices:
            dev.extra_config.append(_config(dev.platform, dev.hostname, by_platform[dev.platform], True)
                                    .split("\n", 2)[2].rsplit(_frame(dev.platform)["tail"], 1)[0].rstrip("\n"))
        lab = LabThread(mine).start()
        try:
            inv = json.loads(lab.lab.write_files(tmp / "lab").read_text(encoding="utf-8"))
            report = run_collection(engine, zone=ZONE, lab_inventory=inv, settings=Settings(), trigger="test")
        finally:
            lab.stop()
        if report.ok != len(hosts):
            with session_scope(engine) as s:
                bad = [(r.device_id, r.status, r.error_code, r.error_message) for r in
                       s.exec(select(DeviceResult).where(DeviceResult.run_id == report.run_id)) if r.status != "ok"]
            raise AssertionError(f"{report}: {bad}")
    finally:
        root.removeHandler(cap)
        root.setLevel(old_level)
    client = TestClient(create_app(engine), base_url="http://127.0.0.1")
    yield Catalogue(engine, url, client, tokens, hosts, {h: ids[h] for h in hosts.values()}, snaps, secrets,
                    "\n".join(cap.lines))
    client.close()
    engine.dispose()


def test_admin_raw_view_holds_every_secret(cat: Catalogue) -> None:
    for host, (first, second) in cat.snapshots.items():
        raw = cat.get(f"/api/v1/configs/{first}?raw=true", "secadmin").json()["text"]
        raw += cat.get(f"/api/v1/configs/{second}?raw=true", "secadmin").json()["text"]
        assert not set(cat.secrets[host]) - set(_found(raw, cat.secrets[host])), host
        # the newest run's raw outputs: the second import, whose changed values replaced the first ones
        outs = "".join(o["output"] for o in
                       cat.get(f"/api/v1/devices/{cat.device_ids[host]}/outputs?raw=true", "secadmin").json())
        gone = {f.change["from"] for f in FORMS if f.change and cat.hosts[f.platform] == host}
        assert set(_found(outs, cat.secrets[host])) == set(cat.secrets[host]) - gone, host


@pytest.mark.parametrize("role", NON_ADMIN)
def test_config_api_shows_no_secret(cat: Catalogue, role: str) -> None:
    for host, (first, second) in cat.snapshots.items():
        dev = cat.device_ids[host]
        blobs = [cat.get(f"/api/v1/devices/{dev}/configs", role).text,
                 cat.get(f"/api/v1/configs/{first}", role).text, cat.get(f"/api/v1/configs/{second}", role).text,
                 cat.get(f"/api/v1/configs/{second}/diff", role).text,
                 cat.get(f"/api/v1/configs/{second}/diff?against={first}", role).text,
                 cat.get(f"/api/v1/devices/{dev}/outputs", role).text]
        for blob in blobs:
            assert not _found(blob, cat.secrets[host]), (host, role, _found(blob, cat.secrets[host]))
        assert FP.search(blobs[2]), host  # the redacted text says where a secret is


def test_diff_shows_a_changed_secret_as_a_changed_fingerprint(cat: Catalogue) -> None:
    for platform, host in cat.hosts.items():
        first, second = cat.snapshots[host]
        d = cat.get(f"/api/v1/configs/{second}/diff?against={first}", "engineer").json()
        changes = [f for f in FORMS if f.platform == platform and f.change]
        assert changes, platform
        minus = [ln for ln in d["diff"].splitlines() if ln.startswith("-") and not ln.startswith("---")]
        plus = [ln for ln in d["diff"].splitlines() if ln.startswith("+") and not ln.startswith("+++")]
        # exactly the changed lines, nothing else: every unchanged secret kept its fingerprint
        assert d["added"] == d["removed"] == len(changes), (host, d["diff"])
        for old, new in zip(minus, plus, strict=True):
            assert FP.findall(old) and FP.findall(new) and FP.findall(old) != FP.findall(new), (old, new)
            assert FP.sub("", old[1:]) == FP.sub("", new[1:])  # the line is the same but for the value
        # the same texts read as snapshots agree with the diff, line for line
        a = cat.get(f"/api/v1/configs/{first}", "auditor").json()["text"].splitlines()
        b = cat.get(f"/api/v1/configs/{second}", "auditor").json()["text"].splitlines()
        assert sum(x != y for x, y in zip(a, b, strict=True)) == len(changes)


def test_cli_diff_shows_no_secret(cat: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import app

    monkeypatch.setenv("DATABASE_URL", cat.url)
    for host, (first, second) in cat.snapshots.items():
        res = CliRunner().invoke(app, ["configs", "diff", host, "--from", str(first), "--to", str(second)])
        assert res.exit_code == 0, res.output
        assert FP.search(res.output) and not _found(res.output, cat.secrets[host]), host


def _web_login(cat: Catalogue, role: str) -> TestClient:
    from web.app import create_app

    client = TestClient(create_app(cat.engine), base_url="http://127.0.0.1")
    r = form_login(client, {"username": f"cat-{role}", "password": PASSWORD, "next": "/units"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    return client


def test_pages_show_no_secret_to_a_non_admin_and_all_to_the_security_admin(cat: Catalogue) -> None:
    import html

    eng, sec = _web_login(cat, "engineer"), _web_login(cat, "secadmin")
    try:
        for host, (first, second) in cat.snapshots.items():
            page = eng.get(f"/devices/{host}?a={first}&b={second}")
            assert page.status_code == 200
            shown = html.unescape(page.text)
            assert not _found(shown, cat.secrets[host]), (host, _found(shown, cat.secrets[host]))
            assert FP.search(shown), host
            compliance = eng.get(f"/compliance/{host}")
            assert compliance.status_code == 200
            assert not _found(html.unescape(compliance.text), cat.secrets[host]), host
            raw = html.unescape(sec.get(f"/devices/{host}?a={first}&b={second}").text)
            assert not REDACTED.search(raw.split('id="config-text"', 1)[-1].split("</pre>", 1)[0]), host
            # the second snapshot's values are on the page as they are
            assert _found(raw, cat.secrets[host]), host
    finally:
        eng.close()
        sec.close()


def test_compliance_api_and_exports_show_no_secret(cat: Catalogue) -> None:
    secrets = cat.every_secret
    for host in cat.hosts.values():
        blob = cat.get(f"/api/v1/compliance/devices/{host}", "auditor").text
        assert not _found(blob, secrets), host
    assert not _found(cat.get("/api/v1/compliance/checks", "auditor").text, secrets)
    assert not _found(cat.get("/api/v1/exports/inventory.yaml", "auditor").text, secrets)


def _pack(cat: Catalogue) -> bytes:
    """The pack is a background job (docs/api.md, Jobs): poll it until it is done, however slow the machine."""
    h = {"Authorization": f"Bearer {cat.tokens['auditor']}"}
    r = cat.client.get("/api/v1/compliance/evidence-pack.zip", params={"wait": 30}, headers=h)
    while r.status_code == 202:
        r = cat.client.get(r.json()["result_url"], params={"wait": 30}, headers=h)
    assert r.status_code == 200, r.text[:300]
    return r.content


def test_evidence_pack_holds_no_secret(cat: Catalogue) -> None:
    data = _pack(cat)
    secrets = cat.every_secret
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names_in = z.namelist()
        for host in cat.hosts.values():
            assert f"configs/{host}.cfg" in names_in, host
        for name in names_in:
            body = z.read(name)
            if name.endswith(".xlsx"):  # a workbook is a zip of XML: read its strings
                with zipfile.ZipFile(io.BytesIO(body)) as x:
                    blob = "\n".join(x.read(n).decode("utf-8", "replace") for n in x.namelist()
                                     if n.endswith(".xml"))
            elif name.endswith(".png"):
                continue
            else:
                blob = body.decode("utf-8", "replace")
            assert not _found(blob, secrets), (name, _found(blob, secrets)[:3])


def test_database_outside_the_raw_columns_holds_no_secret(cat: Catalogue) -> None:
    secrets = cat.every_secret
    with cat.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')).mappings():
                for col, val in row.items():
                    if (table.name, col) in RAW_COLUMNS or val is None:
                        continue
                    sval = val if isinstance(val, str) else json.dumps(val, default=str)
                    assert not _found(sval, secrets), (table.name, col)


def test_logs_of_the_imports_and_the_collection_hold_no_secret(cat: Catalogue) -> None:
    assert cat.log_text  # the SSH run did log (paramiko at DEBUG), so the grep means something
    assert not _found(cat.log_text, cat.every_secret)
