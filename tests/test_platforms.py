"""A platform is supported only with all of its files, one per layer, named after it (CONTRIBUTING,
"Checklist: adding a platform"): the collector profile, a raw/expected parser fixture pair for every
parsed command, the audit module and the lab personality. `incomplete` is the check; the tests below
run it on the real tree and prove it catches a platform that lacks its files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import lab.personalities as lab_personalities
from collectors.platforms import REGISTRY, DuplicatePlatform, ProfileError, Registry, UnknownPlatform, check, names
from lab.personalities import PersonalityError, personalities, personality

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path("tests") / "collectors" / "fixtures"  # <platform>/<command, spaces as _>/<name>.raw + .yml


def missing(name: str, registry: Registry = REGISTRY, root: Path = ROOT) -> list[str]:
    """The files `name` lacks, as paths relative to `root` (the profile is found through `registry`)."""
    out: list[str] = []
    profile = registry.profile(name)
    for cmd in profile.commands:
        if cmd.parser == "none":
            continue
        folder = FIXTURES / name / cmd.command.replace(" ", "_")
        if not any(raw.with_suffix(".yml").exists() for raw in (root / folder).glob("*.raw")):
            out.append(f"{folder}/<case>.raw + .yml")
        for own in cmd.own_templates:
            if not (root / "collectors" / "templates" / f"{own}.textfsm").exists():
                out.append(f"collectors/templates/{own}.textfsm")
    for path in (f"audit/platforms/{name}.py", f"lab/personalities/{name}.py"):
        if not (root / path).exists():
            out.append(path)
    return out


def incomplete(registry: Registry = REGISTRY, root: Path = ROOT) -> dict[str, list[str]]:
    return {name: gaps for name in registry.names() if (gaps := missing(name, registry, root))}


def _with_fake(tmp_path: Path, name: str = "acme_os") -> Registry:
    """A registry holding the real profiles plus one for `name` (a copy of Huawei's under the new name)."""
    folder = tmp_path / "platforms"
    folder.mkdir()
    for path in REGISTRY.files().values():
        shutil.copy(path, folder / path.name)
    text = (REGISTRY.files()["huawei_vrp"]).read_text(encoding="utf-8")
    (folder / f"{name}.yaml").write_text(text.replace("platform: huawei_vrp", f"platform: {name}")
                                         .replace("own:huawei_vrp_", f"own:{name}_"), encoding="utf-8")
    return Registry(folder)


# ------------------------------------------------------------------------------- the real tree
def test_every_platform_has_all_its_files() -> None:
    assert names(), "no platforms registered"
    assert incomplete() == {}


def test_every_platform_has_a_profile_and_a_personality() -> None:
    for name in names():
        assert REGISTRY.profile(name).platform == name
        assert personality(name).platform == name
    assert set(personalities()) == set(names())


# ------------------------------------------------------------------------------- the check catches gaps
def test_a_registered_platform_without_its_files_is_caught(tmp_path: Path) -> None:
    registry = _with_fake(tmp_path)
    assert "acme_os" in registry.names()
    gaps = incomplete(registry)
    assert set(gaps) >= {"acme_os"}
    parsed = [c for c in registry.profile("acme_os").commands if c.parser != "none"]
    assert f"{FIXTURES}/acme_os/display_version/<case>.raw + .yml" in gaps["acme_os"]
    assert "audit/platforms/acme_os.py" in gaps["acme_os"] and "lab/personalities/acme_os.py" in gaps["acme_os"]
    assert "collectors/templates/acme_os_display_esn.textfsm" in gaps["acme_os"]
    assert len([g for g in gaps["acme_os"] if g.startswith(str(FIXTURES))]) == len(parsed)


def test_one_missing_fixture_pair_is_caught(tmp_path: Path) -> None:
    """A tree where the platform has everything but the expected half of one command's fixtures."""
    registry = _with_fake(tmp_path)
    root = tmp_path / "tree"
    for path in ("audit/platforms/acme_os.py", "lab/personalities/acme_os.py"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("", encoding="utf-8")
    (root / "collectors" / "templates").mkdir(parents=True)
    parsed = [c for c in registry.profile("acme_os").commands if c.parser != "none"]
    for cmd in parsed:
        for own in cmd.own_templates:
            (root / "collectors" / "templates" / f"{own}.textfsm").write_text("", encoding="utf-8")
        folder = root / FIXTURES / "acme_os" / cmd.command.replace(" ", "_")
        folder.mkdir(parents=True)
        (folder / "case.raw").write_text("", encoding="utf-8")
        if cmd is not parsed[-1]:
            (folder / "case.yml").write_text("parsed_sample: []\n", encoding="utf-8")
    assert missing("acme_os", registry, root) == [
        f"{FIXTURES}/acme_os/{parsed[-1].command.replace(' ', '_')}/<case>.raw + .yml"]


def test_a_missing_personality_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lab_personalities, "check", lambda name: name)
    with pytest.raises(PersonalityError, match=re.escape("lab/personalities/acme_os.py")):
        personality("acme_os")


def test_an_unknown_name_fails_loudly() -> None:
    with pytest.raises(UnknownPlatform, match=r"known: .*huawei_vrp"):
        check("acme_os")
    with pytest.raises(UnknownPlatform):
        personality("acme_os")


# ------------------------------------------------------------------------------- the registry's own errors
def test_two_files_claiming_one_platform_fail(tmp_path: Path) -> None:
    text = REGISTRY.files()["cisco_ios"].read_text(encoding="utf-8")
    (tmp_path / "cisco_ios.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "cisco.yml").write_text(text, encoding="utf-8")
    claimed = "'cisco_ios' is claimed by 2 profiles: cisco.yml, cisco_ios.yaml"
    with pytest.raises(DuplicatePlatform, match=re.escape(claimed)):
        Registry(tmp_path).names()


def test_a_profile_not_named_after_its_platform_fails(tmp_path: Path) -> None:
    (tmp_path / "cisco.yaml").write_text(REGISTRY.files()["cisco_ios"].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ProfileError, match=re.escape("rename it to cisco_ios.yaml")):
        Registry(tmp_path).names()
