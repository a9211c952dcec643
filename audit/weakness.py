"""Which checks each lab weakness code (contract C2) makes worse than on the same device configured
compliantly. One table, used by the acceptance test and documented in docs/audit.md.

"Worse" = lower in `catalogue.RANK` (符合/不适用 > 需人工核查 > 部分符合 > 不符合). A weakness can also make
a check *change without getting worse* (e.g. weak_password adds a second account, so CE-12 goes from
不符合 "single account" to 部分符合 "several accounts, no separation"); such changes are not failures."""

from __future__ import annotations

from . import platforms

WEAKNESS_CHECKS: dict[str, dict[str, str]] = {
    # code: {check: expected result on the weak device}
    "telnet_enabled": {"CE-08": "不符合", "CE-17": "不符合", "CE-20": "不符合"},
    "no_idle_timeout": {"CE-07": "不符合"},
    "weak_snmp": {"CE-08": "不符合", "CE-10": "不符合", "CE-17": "不符合", "CE-18": "部分符合", "CE-20": "不符合",
                  "CE-21": "不符合"},
    # VRP V200R010 and later still lock by default (3 tries / 5 min): weaker than the threshold, so 部分符合.
    "no_login_lockout": {"CE-06": "不符合|部分符合"},
    "no_remote_syslog": {"CE-15": "不符合", "SMC-04": "不符合"},
    "no_ntp": {"CE-14": "部分符合", "SMC-07": "不符合"},
    "weak_password": {"CE-03": "不符合", "CE-21": "不符合"},
    "no_vty_acl": {"CE-09": "不符合", "CE-18": "不符合"},
}

# Per-platform additions and checks a platform's rule pack does not judge yet (always 需人工核查, so no
# weakness can make them worse): each platform module says its own (`weakness_extra`, `not_judged`).
PLATFORM_EXTRA: dict[tuple[str, str], dict[str, str]] = {
    (code, name): dict(checks) for name, p in platforms.PLATFORMS.items() for code, checks in p.weakness_extra.items()
}
NOT_JUDGED: dict[str, set[str]] = {name: set(p.not_judged) for name, p in platforms.PLATFORMS.items() if p.not_judged}


def expected_worse(codes: set[str], platform: str) -> dict[str, set[str]]:
    """check id -> acceptable results on a device seeded with `codes`."""
    out: dict[str, set[str]] = {}
    for code in sorted(codes):
        for table in (WEAKNESS_CHECKS.get(code, {}), PLATFORM_EXTRA.get((code, platform), {})):
            for check, results in table.items():
                # two codes on one check: the stronger expectation wins (不符合 over 部分符合)
                allowed = set(results.split("|"))
                out[check] = (out[check] & allowed) or (out[check] | allowed) if check in out else allowed
    return {c: r for c, r in out.items() if c not in NOT_JUDGED.get(platform, set())}
