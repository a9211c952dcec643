"""The layouts each platform's parsers are proven on: every (command, OS-generation layout) a profile
declares has a raw/expected fixture, and docs/collection.md's coverage table is exactly what the fixtures
say (regenerate it with `python -m tests.collectors.test_coverage`)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from collectors.platforms import REGISTRY, load_profile, names

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "collectors" / "fixtures"
DOC = ROOT / "docs" / "collection.md"
START, END = "<!-- layouts:start -->", "<!-- layouts:end -->"


def declared(platform: str) -> dict[str, str]:
    """The platform's layouts: id -> the OS generations it stands for (the profile's `layouts:`)."""
    data = yaml.safe_load(REGISTRY.files()[platform].read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in (data.get("layouts") or {}).items()}


def uncovered(platform: str) -> dict[str, dict[str, str]]:
    """command key -> {layout id: why it has no fixture} (the profile's `uncovered:`): a layout we know
    exists but found no public capture of is said so, never filled with a screen we made up."""
    data = yaml.safe_load(REGISTRY.files()[platform].read_text(encoding="utf-8"))
    return {str(k): {str(lid): str(why) for lid, why in v.items()} for k, v in (data.get("uncovered") or {}).items()}


def fixtures(platform: str, command: str) -> dict[str, int]:
    """layout id -> how many raw/expected pairs of this command are in that layout."""
    counts: dict[str, int] = {}
    for raw in sorted((FIXTURES / platform / command.replace(" ", "_")).glob("*.raw")):
        data = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8")) or {}
        # one screen printed alike by several generations is one fixture naming them all
        ids = data.get("layout", "?")
        for lid in ids if isinstance(ids, list) else [ids]:
            counts[str(lid)] = counts.get(str(lid), 0) + 1
    return counts


def table() -> str:
    lines = ["| platform | layout | OS generations |", "|---|---|---|"]
    for platform in names():
        lines += [f"| {platform} | `{lid}` | {what} |" for lid, what in declared(platform).items()]
    lines += ["", "| platform | command | parsers, in order | fixtures per layout | no public capture found |",
              "|---|---|---|---|---|"]
    for platform in names():
        for cmd in load_profile(platform).commands:
            if cmd.parser == "none":
                continue
            have = fixtures(platform, cmd.command)
            cells = ", ".join(f"`{lid}` {n}" for lid, n in sorted(have.items()))
            gaps = ", ".join(f"`{lid}`" for lid in sorted(uncovered(platform).get(cmd.key, {})))
            parsers = " → ".join(p.replace("own:", "") for p in cmd.parsers)
            offline = " (offline only)" if not cmd.collect else ""
            lines.append(f"| {platform} | `{cmd.command}`{offline} | {parsers} | {cells} | {gaps} |")
    return "\n".join(lines)


def test_every_command_has_a_fixture_per_declared_layout() -> None:
    gaps = []
    for platform in names():
        layouts = declared(platform)
        assert layouts, f"{REGISTRY.files()[platform]}: no `layouts:` map (id: OS generations)"
        keys = {c.key for c in load_profile(platform).commands}
        for key, said in uncovered(platform).items():
            assert key in keys and set(said) <= set(layouts), f"{platform} uncovered: {key} {sorted(said)}"
        for cmd in load_profile(platform).commands:
            if cmd.parser == "none":
                continue
            have = fixtures(platform, cmd.command)
            unknown = set(have) - set(layouts)
            assert not unknown, f"{platform} {cmd.command}: fixtures of undeclared layouts {sorted(unknown)}"
            said = uncovered(platform).get(cmd.key, {})
            assert not set(said) & set(have), f"{platform} {cmd.command}: {sorted(set(said) & set(have))} " \
                "have fixtures now: drop them from `uncovered:`"
            gaps += [f"{platform} `{cmd.command}` {lid}" for lid in layouts if lid not in have and lid not in said]
    assert not gaps, "no fixture for: " + "; ".join(gaps)


def test_the_docs_table_is_what_the_fixtures_say() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), text, re.S)
    assert found, f"{DOC}: the coverage table goes between {START} and {END}"
    assert found.group(1).strip() == table(), "regenerate: python -m tests.collectors.test_coverage"


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    block = f"{START}\n{table()}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n### Layouts covered\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(table())
