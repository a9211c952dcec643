"""Domain rules every writer goes through: the table classes declare them (pydantic validators that
`Model.model_validate` runs, as the API does for every create and change) and the import document's
row schemas call the same functions, so a rule is written once here.

- identifiers (codes, circuit ids, hostnames, names) are stored NFC, so one name cannot be stored
  twice under two compositions; control and format characters (zero-width, bidi overrides, BOM) are
  refused because they make two identifiers look alike or reorder what a person reads;
- codes also refuse fullwidth forms (`１２３` for `123`): a code is typed and matched, not displayed;
- a prefix length fits its address family (0–32 IPv4, 0–128 IPv6);
- a circuit's and a link's two ends are different interfaces (a self-loop is not an adjacency).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ValidationInfo, field_validator

# Categories refused in identifiers: Cc control, Cf format (ZWSP, ZWJ, bidi controls, BOM, tags),
# Zl/Zp line and paragraph separators. Surrogates cannot reach here from decoded text.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _is_refused(ch: str) -> bool:
    return unicodedata.category(ch) in _REFUSED_CATEGORIES


def _is_fullwidth(ch: str) -> bool:
    # The <wide> compatibility mapping marks exactly the fullwidth twins of ASCII and the ideographic
    # space (east_asian_width also says "F" for unassigned code points).
    return unicodedata.decomposition(ch).startswith("<wide>")


# Control and format characters live in planes 0, 1 and 14 only, fullwidth forms in plane 0 (planes 2-3 are ideographs,
# 15-16 private use); scanning those keeps the import fast. Surrogates cannot be in decoded text.
_SCANNED = [cp for plane in (0, 1, 14) for cp in range(plane << 16, (plane + 1) << 16)
            if not 0xD800 <= cp <= 0xDFFF]


def _class_of(test: object, scanned: list[int]) -> str:
    """A regex character class of every code point `test` holds for, as literal characters (the
    pattern is read both by pydantic-core's Rust regex and by Python's re in the test generators,
    which share no escape for astral code points)."""
    ranges: list[tuple[int, int]] = []
    for cp in scanned:
        if not test(chr(cp)):  # type: ignore[operator]
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))

    def lit(cp: int) -> str:
        ch = chr(cp)
        return "\\" + ch if ch in "\\]^-[" else ch

    return "".join(lit(a) if a == b else f"{lit(a)}-{lit(b)}" for a, b in ranges)


_REFUSED = _class_of(_is_refused, _SCANNED)
_FULLWIDTH = _class_of(_is_fullwidth, _SCANNED[:0xF800])  # all in the BMP (below the surrogate gap's end)
# The same rules as JSON-schema patterns, so the OpenAPI document states them (NFC is not a refusal:
# a decomposed name is accepted and stored composed).
IDENTIFIER_PATTERN = f"^[^{_REFUSED}]*$"
CODE_PATTERN = f"^[^{_REFUSED}{_FULLWIDTH}]*$"
_REFUSED_RE = re.compile(f"[{_REFUSED}]")
_FULLWIDTH_RE = re.compile(f"[{_FULLWIDTH}]")


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def identifier(value: str) -> str:
    """A name or identifier, NFC; refuses control and format characters."""
    value = unicodedata.normalize("NFC", value)
    bad = _REFUSED_RE.search(value)
    if bad:
        raise ValueError(f"{_describe(bad.group())} at position {bad.start() + 1} is not allowed in a name "
                         "(control and invisible format characters make names look alike)")
    return value


def code(value: str) -> str:
    """A code, circuit id or hostname: an identifier without fullwidth look-alikes."""
    value = identifier(value)
    bad = _FULLWIDTH_RE.search(value)
    if bad:
        plain = unicodedata.normalize("NFKC", bad.group())
        raise ValueError(f"{_describe(bad.group())} at position {bad.start() + 1} is a fullwidth character; "
                         f"write {plain!r} instead")
    return value


def max_prefix(address: str | None) -> int:
    """The longest prefix the address family allows (128 when the family is not known)."""
    if address:
        try:
            return ipaddress.ip_address(address.split("/")[0]).max_prefixlen
        except ValueError:
            pass
    return 128


def prefix_length(address: str | None, prefix: int | None) -> int | None:
    if prefix is None:
        return None
    limit = max_prefix(address)
    if not 0 <= prefix <= limit:
        family = {32: "IPv4", 128: "IPv6"}[limit] if address else "an address"
        raise ValueError(f"expected a prefix length 0–{limit} for {family}, got {prefix}")
    return prefix


def distinct_ends(a_interface_id: int | None, z_interface_id: int | None) -> None:
    if a_interface_id is not None and a_interface_id == z_interface_id:
        raise ValueError(f"the Z end is the A end's interface ({a_interface_id}); a circuit or link joins two "
                         "different interfaces")


# -- the validators the table classes declare (`_codes = rules.codes("code")` in a class body) --------------
def _code_field(cls: type, value: object) -> object:
    return code(value) if isinstance(value, str) else value


def _identifier_field(cls: type, value: object) -> object:
    return identifier(value) if isinstance(value, str) else value


def _prefix_field(cls: type, value: int | None, info: ValidationInfo) -> int | None:
    # ip_address is declared before prefix_length, so it is validated (or missing) by now
    return prefix_length(info.data.get("ip_address"), value)


def _z_end_field(cls: type, value: int | None, info: ValidationInfo) -> int | None:
    distinct_ends(info.data.get("a_interface_id"), value)
    return value


def codes(*fields: str) -> Any:
    return field_validator(*fields)(classmethod(_code_field))  # type: ignore[arg-type]


def identifiers(*fields: str) -> Any:
    return field_validator(*fields)(classmethod(_identifier_field))  # type: ignore[arg-type]


def prefix_checked() -> Any:
    """On `prefix_length`, against `ip_address`."""
    return field_validator("prefix_length")(classmethod(_prefix_field))  # type: ignore[arg-type]


def distinct_interface_ends() -> Any:
    """On `z_interface_id`, against `a_interface_id`."""
    return field_validator("z_interface_id")(classmethod(_z_end_field))  # type: ignore[arg-type]


def pattern_for(model: type[BaseModel], field: str) -> str | None:
    """The JSON-schema pattern of a field's identifier rule, for schemas derived from the table class."""
    for dec in model.__pydantic_decorators__.field_validators.values():
        func = getattr(dec.func, "__func__", dec.func)  # bound to the class by pydantic
        if field in dec.info.fields:
            if func is _code_field:
                return CODE_PATTERN
            if func is _identifier_field:
                return IDENTIFIER_PATTERN
    return None
