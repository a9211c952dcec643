"""Import and export of the whole inventory as YAML: one file, or a folder of section files.

Import is one transaction. Every problem is reported with the file, line, row and field and what
was expected; on any problem nothing is written. Rows are matched to stored objects by their
natural key (code, hostname, cid, voucher, year+line) and updated in place; stored objects the
document does not mention are left alone, so an import never loses what is already there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import reprlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from . import links
from .document import DOCUMENT_VERSION, SECTION_FILES, SECTIONS, row_key
from .errors import ExtranetError
from .models import (
    BudgetLine,
    Carrier,
    Circuit,
    Contract,
    Device,
    Incident,
    Interface,
    Link,
    Payment,
    Room,
    Unit,
    utcnow,
)

# ---------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    where: str
    field: str | None
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        what = f"{self.where}" + (f", field '{self.field}'" if self.field else "")
        return f"{place}: {what}: {self.message}"


class ImportFailed(ExtranetError):
    """The document cannot be imported; nothing was written."""

    code = "import_invalid"
    http_status = 422

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"import failed, nothing was changed ({len(problems)} problem(s)):\n{shown}{more}",
                         details=[p.__dict__ for p in problems])


# ---------------------------------------------------------------- YAML with line numbers


class _LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]
    merged: frozenset[str] = frozenset()  # keys that came from a `<<` merge and may be overridden


# A document row is at most six levels deep (document, section, row, interfaces, interface, value);
# anything far deeper is a mistake or an attack, and is refused before it can exhaust the stack.
MAX_DEPTH = 32
# The import cap, per file and in all: a province's whole inventory is a few MB, so 64 MiB leaves
# room while still refusing a file that would hold the server for minutes.
MAX_IMPORT_MB_ENV = "EXTRANET_IMPORT_MAX_MB"
DEFAULT_IMPORT_MAX_MB = 64


def max_import_bytes() -> int:
    raw = os.environ.get(MAX_IMPORT_MB_ENV, "")
    try:
        return int(float(raw) * 1024 * 1024) if raw else DEFAULT_IMPORT_MAX_MB * 1024 * 1024
    except ValueError:
        raise ExtranetError(f"{MAX_IMPORT_MB_ENV}={raw!r}: expected a size in MB, e.g. 64",
                            code="config_invalid") from None


# libyaml when PyYAML was built with it: the pure-Python scanner is several times slower.
_Parser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None) or yaml.SafeLoader
_SCALARS = yaml.constructor.SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_FLOAT = "tag:yaml.org,2002:float"
_NOT_SCALAR = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge")


def _construct_decimal(text: str) -> Decimal:
    # Money must not pass through binary floats.
    return Decimal(text.replace("_", ""))


def _scalar(event: yaml.ScalarEvent, cache: dict[str, Any]) -> Any:
    """The value of one scalar as YAML 1.1 types it, except that floats are Decimal. A value that looks
    typed but is not valid (2021-13-45, .inf, a 5,000-digit integer) stays text, so the field's schema
    reports it with file, line and field instead of the loader failing the whole file."""
    plain = event.tag in (None, "!")
    if plain and not event.implicit[0]:
        return event.value  # quoted: always text
    if plain and event.value in cache:
        return cache[event.value]
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit) if plain else event.tag
    value: Any = event.value
    if tag == _FLOAT:
        with contextlib.suppress(ArithmeticError):
            value = _construct_decimal(event.value)
    elif tag == "tag:yaml.org,2002:merge":
        value = "<<"  # the builder merges the mapping that follows
    elif tag != _STR:
        construct = _SCALARS.yaml_constructors.get(tag)
        if construct is None or tag in _NOT_SCALAR:
            raise yaml.constructor.ConstructorError(None, None, f"unsupported tag {tag!r}", event.start_mark)
        with contextlib.suppress(ValueError, ArithmeticError):
            value = construct(_SCALARS, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark))
    if plain and isinstance(value, (str, int, Decimal, dt.date, type(None))):
        cache[event.value] = value  # immutable: the same text in 50,000 rows is typed once
    return value


_NO_KEY = object()


class _Builder:
    """Builds the document straight from parser events, without recursion: mappings remember their
    lines, nesting is bounded, and no node tree is kept (building one, then objects from it, then
    collecting the garbage of both is what made a 50 MB file take minutes)."""

    def __init__(self, text: str) -> None:
        self.loader = _Parser(text)
        self.anchors: dict[str, Any] = {}
        self.cache: dict[str, Any] = {}

    def build(self) -> Any:
        try:
            return self._build()
        finally:
            self.loader.dispose()

    def _error(self, message: str, mark: Any) -> yaml.MarkedYAMLError:
        return yaml.constructor.ConstructorError(None, None, message, mark)

    def _build(self) -> Any:
        get, check = self.loader.get_event, self.loader.check_event
        get()  # stream start
        if check(yaml.StreamEndEvent):
            return None
        get()  # document start
        # one frame per open container: [container, pending mapping key, its line, anchor]
        stack: list[list[Any]] = []
        root: Any = None
        while True:
            event = get()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise self._error(f"nested deeper than {MAX_DEPTH} levels; a document row is a few levels "
                                      "deep", event.start_mark)
                if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise self._error(f"unsupported tag {event.tag!r}", event.start_mark)
                container: Any
                if isinstance(event, yaml.MappingStartEvent):
                    container = _LineDict()
                    container.line = event.start_mark.line + 1
                    container.key_lines = {}
                else:
                    container = []
                stack.append([container, _NO_KEY, 0, event.anchor])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, _, _, anchor = stack.pop()
                if anchor is not None:
                    self.anchors[anchor] = container
                value, mark = container, event.start_mark
            elif isinstance(event, yaml.ScalarEvent):
                value, mark = _scalar(event, self.cache), event.start_mark
                if event.anchor is not None:
                    self.anchors[event.anchor] = value
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    raise self._error(f"found undefined alias {event.anchor!r}", event.start_mark)
                value, mark = self.anchors[event.anchor], event.start_mark
            elif isinstance(event, yaml.DocumentEndEvent):
                if not check(yaml.StreamEndEvent):
                    raise self._error("expected a single document, found another", self.loader.peek_event().start_mark)
                return root
            else:
                raise self._error(f"unexpected {type(event).__name__}", event.start_mark)
            if stack:
                self._add(stack[-1], value, mark)
            else:
                root = value

    def _add(self, frame: list[Any], value: Any, mark: Any) -> None:
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
            return
        if frame[1] is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise self._error("expected a plain key, found a mapping or a list", mark)
            frame[1], frame[2] = value, mark.line + 1
            return
        key, line = frame[1], frame[2]
        frame[1] = _NO_KEY
        if key == "<<" and isinstance(value, (dict, list)):  # merge key: keys written here win
            for source in (value if isinstance(value, list) else [value]):
                if not isinstance(source, dict):
                    raise self._error("expected a mapping to merge", mark)
                for k, v in source.items():
                    if k not in container:
                        container[k] = v
                        container.merged = container.merged | {k}
                        container.key_lines[k] = getattr(source, "key_lines", {}).get(k, line)
            return
        if key in container and key not in container.merged:
            raise self._error(f"duplicate key {key!r}", yaml.Mark("", 0, line - 1, 0, None, None))
        container.merged = container.merged - {key}
        container[key] = value
        container.key_lines[key] = line


def _load_yaml(text: str) -> Any:
    return _Builder(text).build()


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: _Dumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    whole, frac = text.split(".")
    text = f"{whole}.{frac.ljust(2, '0')}"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _represent_decimal)


# ---------------------------------------------------------------- reading


@dataclass
class RawRow:
    section: str
    index: int
    file: str
    data: Any

    @property
    def line(self) -> int | None:
        return getattr(self.data, "line", None)


@dataclass
class Document:
    """Validated rows per section, each with where it came from."""

    rows: dict[str, list[tuple[RawRow, Any]]] = field(default_factory=dict)

    def section(self, name: str) -> list[tuple[RawRow, Any]]:
        return self.rows.get(name, [])


def read_document(path: str | Path) -> Document:
    """Parse and validate a document file or folder; raise ImportFailed naming every problem."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        if not files:
            raise ImportFailed([Problem(str(path), None, "folder", None, "expected .yaml files, found none")])
    elif path.exists():
        files = [path]
    else:
        raise ImportFailed([Problem(str(path), None, "path", None, "no such file or folder")])

    problems: list[Problem] = []
    texts: list[tuple[str, str]] = []
    cap, total = max_import_bytes(), 0
    for file in files:
        size = file.stat().st_size
        total += size
        if size > cap or total > cap:
            # Refused before reading: parsing is linear, but a file this big still holds a worker.
            problems.append(Problem(str(file), None, "file", None,
                                    f"{size / 1048576:.1f} MB brings the import over its cap of {cap / 1048576:.0f} MB "
                                    f"({MAX_IMPORT_MB_ENV}); split the document into smaller files"))
            break
        try:
            texts.append((str(file), file.read_text(encoding="utf-8")))
        except UnicodeDecodeError as exc:
            problems.append(Problem(str(file), None, "file", None, f"expected UTF-8 text ({exc.reason})"))
    return parse_texts(texts, problems)


def parse_texts(texts: list[tuple[str, str]], problems: list[Problem] | None = None) -> Document:
    """Parse and validate documents given as (name, YAML text) pairs."""
    problems = problems if problems is not None else []
    raw: dict[str, list[RawRow]] = {}
    for file, text in texts:
        try:
            data = _load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = getattr(exc, "problem", None) or str(exc)
            problems.append(Problem(file, mark.line + 1 if mark else None, "YAML", None,
                                    f"{reason} (column {mark.column + 1})" if mark else reason))
            continue
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(file, 1, "document", None,
                                    "expected a mapping of sections (carriers, rooms, units, ...)"))
            continue
        for key, value in data.items():
            line = data.key_lines.get(key)
            if key == "version":
                if value != DOCUMENT_VERSION:
                    problems.append(Problem(file, line, "version", None,
                                            f"expected {DOCUMENT_VERSION}, got {value!r}"))
                continue
            if key not in SECTIONS:
                problems.append(Problem(file, line, f"section '{key}'", None,
                                        f"unknown section; expected one of {', '.join(SECTIONS)}"))
                continue
            if value is None:
                continue
            if not isinstance(value, list):
                problems.append(Problem(file, line, f"section '{key}'", None, "expected a list of rows"))
                continue
            bucket = raw.setdefault(key, [])
            for item in value:
                bucket.append(RawRow(key, len(bucket), file, item))

    if not problems and not any(raw.values()):
        names = ", ".join(file for file, _ in texts) or "(document)"
        raise ImportFailed([Problem(names, None, "document", None,
                                    f"nothing to import: no rows in any section (expected {', '.join(SECTIONS)})")])
    doc = Document()
    for section, schema in SECTIONS.items():
        for raw_row in raw.get(section, []):
            if not isinstance(raw_row.data, dict):
                problems.append(Problem(raw_row.file, raw_row.line, f"{section}[{raw_row.index}]", None,
                                        "expected a mapping of fields"))
                continue
            try:
                row = schema.model_validate(dict(raw_row.data))
            except ValidationError as exc:
                problems.extend(_validation_problems(raw_row, exc))
                continue
            doc.rows.setdefault(section, []).append((raw_row, row))
    problems.extend(_duplicates(doc))
    if problems:
        raise ImportFailed(problems)
    return doc


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[int | None, str]:
    line = getattr(data, "line", None)
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            parts.append(f"[{part}]")
            node = node[part]
            line = getattr(node, "line", line)
        elif isinstance(node, dict) and part in node:
            parts.append(f".{part}" if parts else str(part))
            line = node.key_lines.get(part, line) if isinstance(node, _LineDict) else line
            node = node[part]
        elif isinstance(part, str) and not part.startswith(("function-", "model-")):
            parts.append(f".{part}" if parts else str(part))
    return line, "".join(parts)


def _validation_problems(raw_row: RawRow, exc: ValidationError) -> list[Problem]:
    out = []
    data = raw_row.data
    label = data.get("hostname") or data.get("cid") or data.get("code") or data.get("voucher") or data.get("name")
    label = label if isinstance(label, str) else None
    where = f"{raw_row.section}[{raw_row.index}]" + (f" ({label})" if label else "")
    for err in exc.errors():
        loc = tuple(err["loc"])
        line, fieldpath = _locate(data, loc)
        message = err["msg"]
        if err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "extra_forbidden":
            message = f"unknown field; expected one of {', '.join(_fields_at(raw_row.section, loc))}"
        elif "input" in err and err["type"] not in ("value_error",):
            message = f"{message}, got {_short(err['input'])}"
        if err["type"].startswith("date_") or err["type"].startswith("datetime_"):
            message += " (expected YYYY-MM-DD)" if err["type"].startswith("date_") else \
                " (expected YYYY-MM-DD HH:MM:SS+08:00)"
        out.append(Problem(raw_row.file, line, where, fieldpath or None, message.removeprefix("Value error, ")))
    return out


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 80, 80


def _short(value: Any) -> str:
    # An alias can make a value huge (YAML's billion laughs); never print more than a line of it.
    return _REPR.repr(value)


def _fields_at(section: str, loc: tuple[Any, ...]) -> list[str]:
    model: Any = SECTIONS[section]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            break
        ann = info.annotation
        inner = getattr(ann, "__args__", (ann,))
        model = next((a for a in inner if isinstance(a, type) and hasattr(a, "model_fields")), model)
    return list(model.model_fields)


_UNIQUE: dict[str, tuple[str, ...]] = {
    "carriers": ("code", "name"),
    "rooms": ("code", "name"),
    "units": ("code", "name"),
    "devices": ("hostname", "mgmt_address"),
    "circuits": ("cid",),
    "contracts": ("code",),
    "payments": ("voucher",),
}


def _duplicates(doc: Document) -> list[Problem]:
    problems = []
    for section, fields in _UNIQUE.items():
        for fname in fields:
            seen: dict[Any, RawRow] = {}
            for raw_row, row in doc.section(section):
                value = getattr(row, fname)
                if value in seen:
                    first = seen[value]
                    problems.append(Problem(raw_row.file, raw_row.line, f"{section}[{raw_row.index}]", fname,
                                            f"duplicate {fname} {value!r}; first used at {first.file}:{first.line}"))
                else:
                    seen[value] = raw_row
    seen_lines: dict[tuple[int, str], RawRow] = {}
    for raw_row, row in doc.section("budget_lines"):
        key = (row.year, row.line)
        if key in seen_lines:
            problems.append(Problem(raw_row.file, raw_row.line, f"budget_lines[{raw_row.index}]", "line",
                                    f"duplicate budget line {row.year} {row.line!r}"))
        seen_lines[key] = raw_row
    for raw_row, row in doc.section("devices"):
        names: set[str] = set()
        for i, iface in enumerate(row.interfaces):
            if iface.name in names:
                line, _ = _locate(raw_row.data, ("interfaces", i))
                problems.append(Problem(raw_row.file, line, f"devices[{raw_row.index}] ({row.hostname})",
                                        f"interfaces[{i}].name", f"duplicate interface {iface.name!r}"))
            names.add(iface.name)
    return problems


# ---------------------------------------------------------------- applying


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, section: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[section] = target.get(section, 0) + 1


class _Refs:
    """Lookup of referenced objects, by code or by name, over what is stored plus what this import adds."""

    def __init__(self, session: Session):
        self.session = session
        self.by: dict[str, dict[str, Any]] = {}

    def load(self, kind: str, objects: list[Any], *keys: str) -> None:
        table = self.by.setdefault(kind, {})
        for obj in objects:
            for key in keys:
                value = getattr(obj, key, None)
                if value is not None:
                    table[str(value)] = obj

    def get(self, kind: str, key: str | None) -> Any:
        return None if key is None else self.by.get(kind, {}).get(str(key))

    def names(self, kind: str, limit: int = 12) -> str:
        values = sorted({str(getattr(o, "code", None) or getattr(o, "hostname", None) or getattr(o, "cid", ""))
                         for o in self.by.get(kind, {}).values()})
        shown = ", ".join(values[:limit])
        return shown + (f", … ({len(values)} in all)" if len(values) > limit else "")


# Unique columns besides the natural key, per kind.
_ALSO_UNIQUE: dict[str, tuple[str, ...]] = {"carrier": ("name",), "room": ("name",), "unit": ("name",),
                                            "device": ("mgmt_address",)}


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        raise ImportFailed([Problem("(document)", None, "database", None,
                                    f"rejected by a database constraint: {str(exc.orig).splitlines()[0]}")]) from None


def import_document(session: Session, doc: Document) -> ImportReport:
    """Apply a validated document inside the caller's transaction; raise ImportFailed on any
    reference that does not resolve (the caller's transaction then rolls back)."""
    return _Import(session, doc).run()


class _Import:
    """One document import, in the order references need: places, contracts, devices, interfaces,
    circuits, links, budget lines, payments, incidents. Each checkpoint reports every problem found so
    far before the database sees anything it would reject."""

    def __init__(self, session: Session, doc: Document) -> None:
        self.session, self.doc = session, doc
        self.report = ImportReport()
        self.problems: list[Problem] = []
        self.refs = _Refs(session)
        self.ifaces: dict[tuple[int, str], Interface] = {}
        self.budget: dict[tuple[int, str], BudgetLine] = {}

    def run(self) -> ImportReport:
        self._load_refs()
        self._places()
        self.checkpoint()
        self._contracts()
        iface_rows = self._devices()
        self.checkpoint()
        self._interfaces(iface_rows)
        self.checkpoint()
        declared = self._circuits()
        self.checkpoint()
        self._links(declared)
        self._budget_lines()
        self.checkpoint()
        self._payments()
        self._incidents()
        self.checkpoint()
        return self.report

    # -- the shared steps -----------------------------------------------------------------------------
    def checkpoint(self) -> None:
        if self.problems:
            raise ImportFailed(self.problems)
        _flush(self.session)

    def _load_refs(self) -> None:
        refs, session = self.refs, self.session
        refs.load("carrier", list(session.exec(select(Carrier))), "code", "name")
        refs.load("room", list(session.exec(select(Room))), "code", "name")
        refs.load("unit", list(session.exec(select(Unit))), "code", "name")
        refs.load("contract", list(session.exec(select(Contract))), "code")
        refs.load("device", list(session.exec(select(Device))), "hostname")
        for kind, keys in _ALSO_UNIQUE.items():
            for other_key in keys:
                refs.load(f"{kind}.{other_key}", list(refs.by.get(kind, {}).values()), other_key)
        refs.load("circuit", list(session.exec(select(Circuit))), "cid")

    def missing(self, raw_row: RawRow, row: Any, fieldname: str, kind: str, value: Any) -> None:
        line, _ = _locate(raw_row.data, tuple(fieldname.split(".")))
        where = f"{raw_row.section}[{raw_row.index}] ({row_key(raw_row.section, row)})"
        message = f"unknown {kind} {value!r}; expected one of: {self.refs.names(kind)}"
        self.problems.append(Problem(raw_row.file, line, where, fieldname, message))

    def ref(self, raw_row: RawRow, row: Any, fieldname: str, kind: str, value: Any) -> tuple[Any, bool]:
        """The referenced object (None when not named) and whether the reference resolved."""
        obj = self.refs.get(kind, value)
        if value is not None and obj is None:
            self.missing(raw_row, row, fieldname, kind, value)
            return None, False
        return obj, True

    def upsert(self, kind: str, section: str, model: type[SQLModel], key: str, values: dict[str, Any],
               raw_row: RawRow) -> Any:
        refs = self.refs
        obj = refs.get(kind, values[key])
        created = obj is None or not isinstance(obj, model)
        if created:
            obj = model(**values)
        else:
            _assign(obj, values)
        # A unique value already held by another stored object: say so now, not as a database error.
        for other_key in _ALSO_UNIQUE.get(kind, ()):
            clash = refs.get(f"{kind}.{other_key}", values[other_key])
            if clash is not None and clash is not obj:
                line, _ = _locate(raw_row.data, (other_key,))
                self.problems.append(Problem(raw_row.file, line, f"{section}[{raw_row.index}] ({values[key]})",
                                             other_key, f"{values[other_key]!r} is already used by stored {kind} "
                                                        f"{getattr(clash, key)!r}"))
        self.session.add(obj)
        refs.load(kind, [obj], key, *(k for k in ("name",) if k in values))
        for other_key in _ALSO_UNIQUE.get(kind, ()):
            refs.load(f"{kind}.{other_key}", [obj], other_key)
        self.report.count(section, created)
        return obj

    # -- the sections, in reference order ---------------------------------------------------------------
    def _places(self) -> None:
        for section, kind, model in (("carriers", "carrier", Carrier), ("rooms", "room", Room),
                                     ("units", "unit", Unit)):
            for raw_row, row in self.doc.section(section):
                self.upsert(kind, section, model, "code", row.model_dump(), raw_row)

    def _contracts(self) -> None:
        for raw_row, row in self.doc.section("contracts"):
            values = row.model_dump(exclude={"carrier"})
            carrier = self.refs.get("carrier", row.carrier)
            if carrier is None:
                self.missing(raw_row, row, "carrier", "carrier", row.carrier)
                continue
            values["carrier_id"] = carrier.id
            self.upsert("contract", "contracts", Contract, "code", values, raw_row)

    def _devices(self) -> list[tuple[Device, Any]]:
        iface_rows: list[tuple[Device, Any]] = []
        for raw_row, row in self.doc.section("devices"):
            values = row.model_dump(exclude={"room", "unit", "interfaces"})
            room, ok_room = self.ref(raw_row, row, "room", "room", row.room)
            if not ok_room:
                continue
            unit, ok_unit = self.ref(raw_row, row, "unit", "unit", row.unit)
            if not ok_unit:
                continue
            values["room_id"] = room.id if room else None
            values["unit_id"] = unit.id if unit else None
            device = self.upsert("device", "devices", Device, "hostname", values, raw_row)
            iface_rows.append((device, row.interfaces))
        return iface_rows

    def _interfaces(self, iface_rows: list[tuple[Device, Any]]) -> None:
        device_ids = [d.id for d, _ in iface_rows]
        for start in range(0, len(device_ids), 500):
            chunk = device_ids[start:start + 500]
            for iface in self.session.exec(select(Interface).where(Interface.device_id.in_(chunk))):  # type: ignore[attr-defined]
                self.ifaces[(iface.device_id, iface.name)] = iface
        for device, ifaces in iface_rows:
            for spec in ifaces:
                ip, prefix = (spec.ip.split("/") if spec.ip else (None, None))
                values = {"device_id": device.id, "name": spec.name, "description": spec.description,
                          "ip_address": ip, "prefix_length": int(prefix) if prefix else None,
                          "speed_mbps": spec.speed_mbps, "enabled": spec.enabled,
                          # an interface a device reported first is declared once the document names it
                          "source": "declared"}
                iface = self.ifaces.get((device.id, spec.name))
                if iface is None:
                    iface = Interface(**values)
                    self.ifaces[(device.id, spec.name)] = iface
                    self.report.count("interfaces", True)
                else:
                    _assign(iface, values)
                self.session.add(iface)

    def interface_of(self, raw_row: RawRow, row: Any, end_name: str, device_name: str | None,
                     iface_name: str | None) -> tuple[Device | None, Interface | None, bool]:
        if device_name is None:
            return None, None, True
        device = self.refs.get("device", device_name)
        if device is None:
            self.missing(raw_row, row, f"{end_name}.device", "device", device_name)
            return None, None, False
        if iface_name is None:
            return device, None, True
        iface = self.ifaces.get((device.id, iface_name))
        if iface is None:
            iface = self.session.exec(select(Interface).where(Interface.device_id == device.id,
                                                              Interface.name == iface_name)).first()
        if iface is None:
            line, _ = _locate(raw_row.data, (end_name, "interface"))
            where = f"{raw_row.section}[{raw_row.index}] ({row_key(raw_row.section, row)})"
            self.problems.append(Problem(raw_row.file, line, where, f"{end_name}.interface",
                                         f"device {device_name!r} has no interface {iface_name!r}"))
            return device, None, False
        return device, iface, True

    def _circuit_end(self, raw_row: RawRow, row: Any, end_name: str, values: dict[str, Any],
                     ) -> tuple[Interface | None, bool]:
        """Resolve one circuit end into ``values``; (its interface, whether every reference resolved)."""
        end = getattr(row, end_name)
        room, ok_room = self.ref(raw_row, row, f"{end_name}.room", "room", end.room)
        unit, ok_unit = self.ref(raw_row, row, f"{end_name}.unit", "unit", end.unit)
        ok = ok_room and ok_unit
        device, iface, found = self.interface_of(raw_row, row, end_name, end.device, end.interface)
        ok = ok and found
        if device is not None and found and (room or unit):
            where = (device.room_id, device.unit_id)
            if (room and where != (room.id, None)) or (unit and where != (None, unit.id)):
                line, _ = _locate(raw_row.data, (end_name, "device"))
                site = end.room or end.unit
                self.problems.append(Problem(raw_row.file, line, f"circuits[{raw_row.index}] ({row.cid})",
                                             f"{end_name}.device", f"device {end.device!r} is not in {site!r}"))
                ok = False
        values[f"{end_name}_room_id"] = room.id if room else None
        values[f"{end_name}_unit_id"] = unit.id if unit else None
        values[f"{end_name}_external"] = end.external
        values[f"{end_name}_interface_id"] = iface.id if iface else None
        return iface, ok

    def _circuits(self) -> list[tuple[Circuit, Interface, Interface]]:
        declared: list[tuple[Circuit, Interface, Interface]] = []
        for raw_row, row in self.doc.section("circuits"):
            values = row.model_dump(exclude={"a", "z", "carrier", "contract"})
            carrier, ok_carrier = self.ref(raw_row, row, "carrier", "carrier", row.carrier)
            values["carrier_id"] = carrier.id if carrier else None
            contract, ok_contract = self.ref(raw_row, row, "contract", "contract", row.contract)
            values["contract_id"] = contract.id if contract else None
            a, ok_a = self._circuit_end(raw_row, row, "a", values)
            z, ok_z = self._circuit_end(raw_row, row, "z", values)
            if not (ok_carrier and ok_contract and ok_a and ok_z):
                continue
            circuit = self.upsert("circuit", "circuits", Circuit, "cid", values, raw_row)
            if a is not None and z is not None:
                declared.append((circuit, a, z))
        return declared

    def _links(self, declared: list[tuple[Circuit, Interface, Interface]]) -> None:
        existing = {(lk.a_interface_id, lk.z_interface_id, lk.source): lk for lk in self.session.exec(select(Link))}
        now = utcnow()

        def put(a: Interface, z: Interface, source: str, circuit: Circuit | None) -> None:
            if links.know(self.session, a.id, z.id, source, now,  # type: ignore[arg-type]
                          circuit_id=circuit.id if circuit else None, rows=existing, observed=False):
                self.report.count("links", True)

        for circuit, a, z in declared:
            put(a, z, "declared", circuit)
        for raw_row, row in self.doc.section("links"):
            _, a, ok_a = self.interface_of(raw_row, row, "a", row.a.device, row.a.interface)
            _, z, ok_z = self.interface_of(raw_row, row, "z", row.z.device, row.z.interface)
            circuit, ok_circuit = self.ref(raw_row, row, "circuit", "circuit", row.circuit)
            if not ok_circuit:
                continue
            if ok_a and ok_z and a is not None and z is not None:
                put(a, z, row.source.value, circuit)

    def _budget_lines(self) -> None:
        self.budget = {(b.year, b.line): b for b in self.session.exec(select(BudgetLine))}
        for raw_row, row in self.doc.section("budget_lines"):
            values = row.model_dump(exclude={"carrier"})
            carrier, ok = self.ref(raw_row, row, "carrier", "carrier", row.carrier)
            if not ok:
                continue
            values["carrier_id"] = carrier.id if carrier else None
            line = self.budget.get((row.year, row.line))
            if line is None:
                line = BudgetLine(**values)
                self.budget[(row.year, row.line)] = line
                self.report.count("budget_lines", True)
            else:
                _assign(line, values)
                self.report.count("budget_lines", False)
            self.session.add(line)

    def _payments(self) -> None:
        self.refs.load("payment", list(self.session.exec(select(Payment))), "voucher")
        for raw_row, row in self.doc.section("payments"):
            values = row.model_dump(exclude={"carrier", "contract", "budget_line"})
            carrier = self.refs.get("carrier", row.carrier)
            ok = True
            if carrier is None:
                self.missing(raw_row, row, "carrier", "carrier", row.carrier)
                ok = False
            contract, ok_contract = self.ref(raw_row, row, "contract", "contract", row.contract)
            ok = ok and ok_contract
            line_obj = None
            if row.budget_line is not None:
                line_obj = self.budget.get((row.budget_line.year, row.budget_line.line))
                if line_obj is None:
                    line_no, _ = _locate(raw_row.data, ("budget_line",))
                    ref = row.budget_line
                    self.problems.append(Problem(raw_row.file, line_no, f"payments[{raw_row.index}] ({row.voucher})",
                                                 "budget_line", f"no budget line {ref.year} {ref.line!r}"))
                    ok = False
            if not ok:
                continue
            values.update(carrier_id=carrier.id, contract_id=contract.id if contract else None,
                          budget_line_id=line_obj.id if line_obj else None)
            self.upsert("payment", "payments", Payment, "voucher", values, raw_row)

    def _incidents(self) -> None:
        incidents = {(i.carrier_id, i.circuit_id, i.started_at): i for i in self.session.exec(select(Incident))}
        for raw_row, row in self.doc.section("incidents"):
            values = row.model_dump(exclude={"carrier", "circuit"})
            carrier = self.refs.get("carrier", row.carrier)
            if carrier is None:
                self.missing(raw_row, row, "carrier", "carrier", row.carrier)
                continue
            circuit, ok = self.ref(raw_row, row, "circuit", "circuit", row.circuit)
            if not ok:
                continue
            values.update(carrier_id=carrier.id, circuit_id=circuit.id if circuit else None)
            key = (carrier.id, values["circuit_id"], row.started_at)
            incident = incidents.get(key)
            if incident is None:
                incident = Incident(**values)
                incidents[key] = incident
                self.report.count("incidents", True)
            else:
                _assign(incident, values)
                self.report.count("incidents", False)
            self.session.add(incident)


def _assign(obj: Any, values: dict[str, Any]) -> None:
    """Set only the attributes that change: an unchanged row leaves no audit-trail entry."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def load_path(session: Session, path: str | Path) -> ImportReport:
    return import_document(session, read_document(path))


def load_mapping(session: Session, data: dict[str, Any], name: str = "(sample)") -> ImportReport:
    """Import a document held in memory (the sample city), through the same validation."""
    return import_document(session, parse_texts([(name, dump_yaml(data))]))


# ---------------------------------------------------------------- exporting


def _clean(values: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """Drop ids and empty optional fields so exported files stay short and human-editable."""
    out = {}
    for key, value in values.items():
        if key in drop or key == "id" or key.endswith("_id"):
            continue
        if value is None:
            continue
        out[key] = value
    return out


def export_document(session: Session) -> dict[str, Any]:
    st = _Stored(session)
    budget_rows, payment_rows, incident_rows = st.money_rows()
    return {
        "version": DOCUMENT_VERSION,
        "carriers": [_clean(c.model_dump()) for c in st.carriers.values()],
        "rooms": [_clean(r.model_dump()) for r in st.rooms.values()],
        "units": [_clean(u.model_dump()) for u in st.units.values()],
        "contracts": [{**_clean(c.model_dump()), "carrier": st.carriers[c.carrier_id].code}
                      for c in st.contracts.values()],
        "devices": st.device_rows(),
        "circuits": st.circuit_rows(),
        "links": st.link_rows(),
        "budget_lines": budget_rows,
        "payments": payment_rows,
        "incidents": incident_rows,
    }


class _Stored:
    """The stored rows an export writes out, each section in document order."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.carriers = {c.id: c for c in session.exec(select(Carrier).order_by(Carrier.code))}
        self.rooms = {r.id: r for r in session.exec(select(Room).order_by(Room.id))}
        self.units = {u.id: u for u in session.exec(select(Unit).order_by(Unit.code))}
        self.contracts = {c.id: c for c in session.exec(select(Contract).order_by(Contract.code))}
        self.devices = {d.id: d for d in session.exec(select(Device).order_by(Device.hostname))}
        self.ifaces_by_device: dict[int, list[Interface]] = {}
        self.ifaces: dict[int, Interface] = {}
        for iface in session.exec(select(Interface).order_by(Interface.device_id, Interface.id)):
            self.ifaces_by_device.setdefault(iface.device_id, []).append(iface)
            self.ifaces[iface.id] = iface  # type: ignore[index]
        self.circuits = list(session.exec(select(Circuit).order_by(Circuit.cid)))
        self.circuit_by_id = {c.id: c for c in self.circuits}

    @staticmethod
    def iface_row(i: Interface) -> dict[str, Any]:
        row: dict[str, Any] = {"name": i.name, "description": i.description}
        if i.ip_address:
            row["ip"] = f"{i.ip_address}/{i.prefix_length}"
        if i.speed_mbps is not None:
            row["speed_mbps"] = i.speed_mbps
        if not i.enabled:
            row["enabled"] = False
        return row

    def end(self, prefix: str, c: Circuit) -> dict[str, Any]:
        out: dict[str, Any] = {}
        room_id, unit_id = getattr(c, f"{prefix}_room_id"), getattr(c, f"{prefix}_unit_id")
        if room_id:
            out["room"] = self.rooms[room_id].code
        if unit_id:
            out["unit"] = self.units[unit_id].code
        if getattr(c, f"{prefix}_external"):
            out["external"] = getattr(c, f"{prefix}_external")
        iface_id = getattr(c, f"{prefix}_interface_id")
        if iface_id:
            out.update(self.end_of_link(iface_id))
        return out

    def end_of_link(self, iface_id: int) -> dict[str, str]:
        iface = self.ifaces[iface_id]
        return {"device": self.devices[iface.device_id].hostname, "interface": iface.name}

    def device_rows(self) -> list[dict[str, Any]]:
        rows = []
        for d in self.devices.values():
            row = _clean(d.model_dump())
            if d.room_id:
                row = {**row, "room": self.rooms[d.room_id].code}
            if d.unit_id:
                row = {**row, "unit": self.units[d.unit_id].code}
            row["interfaces"] = [self.iface_row(i) for i in self.ifaces_by_device.get(d.id, [])]  # type: ignore[arg-type]
            rows.append(row)
        return rows

    def circuit_rows(self) -> list[dict[str, Any]]:
        rows = []
        for c in self.circuits:
            row = _clean(c.model_dump())
            row = {"cid": row.pop("cid"), **({"carrier": self.carriers[c.carrier_id].code} if c.carrier_id else {}),
                   **row}
            row["a"], row["z"] = self.end("a", c), self.end("z", c)
            for key in ("a_external", "z_external"):
                row.pop(key, None)
            if c.contract_id:
                row["contract"] = self.contracts[c.contract_id].code
            rows.append(row)
        return rows

    def link_rows(self) -> list[dict[str, Any]]:
        rows = []
        for lk in self.session.exec(select(Link).where(Link.source != "declared").order_by(Link.id)):
            row = {"a": self.end_of_link(lk.a_interface_id), "z": self.end_of_link(lk.z_interface_id),
                   "source": lk.source}
            if lk.circuit_id:
                row["circuit"] = self.circuit_by_id[lk.circuit_id].cid
            rows.append(row)
        return rows

    def money_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """Budget lines, payments and incidents."""
        carriers, session = self.carriers, self.session
        budget = {b.id: b for b in session.exec(select(BudgetLine).order_by(BudgetLine.year, BudgetLine.line))}
        budget_rows = []
        for b in budget.values():
            row = _clean(b.model_dump())
            if b.carrier_id:
                row["carrier"] = carriers[b.carrier_id].code
            budget_rows.append(row)
        payment_rows = []
        for p in session.exec(select(Payment).order_by(Payment.voucher)):
            row = {"voucher": p.voucher, "carrier": carriers[p.carrier_id].code,
                   **_clean(p.model_dump(), ("voucher",))}
            if p.contract_id:
                row["contract"] = self.contracts[p.contract_id].code
            if p.budget_line_id:
                bl = budget[p.budget_line_id]
                row["budget_line"] = {"year": bl.year, "line": bl.line}
            payment_rows.append(row)
        incident_rows = []
        for i in session.exec(select(Incident).order_by(Incident.started_at, Incident.id)):
            row = {"carrier": carriers[i.carrier_id].code, **_clean(i.model_dump())}
            if i.circuit_id:
                row["circuit"] = self.circuit_by_id[i.circuit_id].cid
            incident_rows.append(row)
        return budget_rows, payment_rows, incident_rows


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


def write_document(doc: dict[str, Any], path: str | Path) -> list[Path]:
    """Write to one .yaml file, or to a folder of section files (the form meant for hand editing)."""
    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_yaml(doc), encoding="utf-8")
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        files.setdefault(SECTION_FILES[section], {"version": DOCUMENT_VERSION})[section] = doc.get(section, [])
    written = []
    for name, content in files.items():
        target = path / name
        target.write_text(dump_yaml(content), encoding="utf-8")
        written.append(target)
    return written


def today() -> dt.date:
    return utcnow().date()
