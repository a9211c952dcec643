"""Import and export of the whole inventory as YAML: one file, or a folder of section files.

Import is one transaction. Every problem is reported with the file, line, row and field and what
was expected; on any problem nothing is written. Rows are matched to stored objects by their
natural key (code, hostname, cid, voucher, year+line) and updated in place; stored objects the
document does not mention are left alone, so an import never loses what is already there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

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


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    result = _LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    # Money must not pass through binary floats.
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


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
    for file in files:
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
            data = yaml.load(text, Loader=_Loader)
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
            message = f"{message}, got {err['input']!r}"
        out.append(Problem(raw_row.file, line, where, fieldpath or None, message.removeprefix("Value error, ")))
    return out


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
    report = ImportReport()
    problems: list[Problem] = []
    refs = _Refs(session)

    def checkpoint() -> None:
        # Report every problem found so far before the database sees anything it would reject.
        if problems:
            raise ImportFailed(problems)
        _flush(session)

    refs.load("carrier", list(session.exec(select(Carrier))), "code", "name")
    refs.load("room", list(session.exec(select(Room))), "code", "name")
    refs.load("unit", list(session.exec(select(Unit))), "code", "name")
    refs.load("contract", list(session.exec(select(Contract))), "code")
    refs.load("device", list(session.exec(select(Device))), "hostname")
    for kind, keys in _ALSO_UNIQUE.items():
        for other_key in keys:
            refs.load(f"{kind}.{other_key}", list(refs.by.get(kind, {}).values()), other_key)
    refs.load("circuit", list(session.exec(select(Circuit))), "cid")

    def missing(raw_row: RawRow, row: Any, fieldname: str, kind: str, value: Any) -> None:
        line, _ = _locate(raw_row.data, tuple(fieldname.split(".")))
        where = f"{raw_row.section}[{raw_row.index}] ({row_key(raw_row.section, row)})"
        message = f"unknown {kind} {value!r}; expected one of: {refs.names(kind)}"
        problems.append(Problem(raw_row.file, line, where, fieldname, message))

    def upsert(kind: str, section: str, model: type[SQLModel], key: str, values: dict[str, Any],
               raw_row: RawRow) -> Any:
        obj = refs.get(kind, values[key])
        created = obj is None or not isinstance(obj, model)
        if created:
            obj = model(**values)
        else:
            for name, value in values.items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
        # A unique value already held by another stored object: say so now, not as a database error.
        for other_key in _ALSO_UNIQUE.get(kind, ()):
            clash = refs.get(f"{kind}.{other_key}", values[other_key])
            if clash is not None and clash is not obj:
                line, _ = _locate(raw_row.data, (other_key,))
                problems.append(Problem(raw_row.file, line, f"{section}[{raw_row.index}] ({values[key]})", other_key,
                                        f"{values[other_key]!r} is already used by stored {kind} "
                                        f"{getattr(clash, key)!r}"))
        session.add(obj)
        refs.load(kind, [obj], key, *(k for k in ("name",) if k in values))
        for other_key in _ALSO_UNIQUE.get(kind, ()):
            refs.load(f"{kind}.{other_key}", [obj], other_key)
        report.count(section, created)
        return obj

    for raw_row, row in doc.section("carriers"):
        upsert("carrier", "carriers", Carrier, "code", row.model_dump(), raw_row)
    for raw_row, row in doc.section("rooms"):
        upsert("room", "rooms", Room, "code", row.model_dump(), raw_row)
    for raw_row, row in doc.section("units"):
        upsert("unit", "units", Unit, "code", row.model_dump(), raw_row)
    checkpoint()

    for raw_row, row in doc.section("contracts"):
        values = row.model_dump(exclude={"carrier"})
        carrier = refs.get("carrier", row.carrier)
        if carrier is None:
            missing(raw_row, row, "carrier", "carrier", row.carrier)
            continue
        values["carrier_id"] = carrier.id
        upsert("contract", "contracts", Contract, "code", values, raw_row)

    iface_rows: list[tuple[Device, Any]] = []
    for raw_row, row in doc.section("devices"):
        values = row.model_dump(exclude={"room", "unit", "interfaces"})
        room = refs.get("room", row.room)
        unit = refs.get("unit", row.unit)
        if row.room is not None and room is None:
            missing(raw_row, row, "room", "room", row.room)
            continue
        if row.unit is not None and unit is None:
            missing(raw_row, row, "unit", "unit", row.unit)
            continue
        values["room_id"] = room.id if room else None
        values["unit_id"] = unit.id if unit else None
        device = upsert("device", "devices", Device, "hostname", values, raw_row)
        iface_rows.append((device, row.interfaces))
    checkpoint()

    device_ids = [d.id for d, _ in iface_rows]
    existing_ifaces: dict[tuple[int, str], Interface] = {}
    for start in range(0, len(device_ids), 500):
        chunk = device_ids[start:start + 500]
        for iface in session.exec(select(Interface).where(Interface.device_id.in_(chunk))):  # type: ignore[attr-defined]
            existing_ifaces[(iface.device_id, iface.name)] = iface
    for device, ifaces in iface_rows:
        for spec in ifaces:
            ip, prefix = (spec.ip.split("/") if spec.ip else (None, None))
            values = {"device_id": device.id, "name": spec.name, "description": spec.description,
                      "ip_address": ip, "prefix_length": int(prefix) if prefix else None,
                      "speed_mbps": spec.speed_mbps, "enabled": spec.enabled}
            iface = existing_ifaces.get((device.id, spec.name))
            if iface is None:
                iface = Interface(**values)
                existing_ifaces[(device.id, spec.name)] = iface
                report.count("interfaces", True)
            else:
                for name, value in values.items():
                    if getattr(iface, name) != value:
                        setattr(iface, name, value)
            session.add(iface)
    checkpoint()

    def interface_of(raw_row: RawRow, row: Any, end_name: str, device_name: str | None,
                     iface_name: str | None) -> tuple[Device | None, Interface | None, bool]:
        if device_name is None:
            return None, None, True
        device = refs.get("device", device_name)
        if device is None:
            missing(raw_row, row, f"{end_name}.device", "device", device_name)
            return None, None, False
        if iface_name is None:
            return device, None, True
        iface = existing_ifaces.get((device.id, iface_name))
        if iface is None:
            iface = session.exec(select(Interface).where(Interface.device_id == device.id,
                                                         Interface.name == iface_name)).first()
        if iface is None:
            line, _ = _locate(raw_row.data, (end_name, "interface"))
            where = f"{raw_row.section}[{raw_row.index}] ({row_key(raw_row.section, row)})"
            problems.append(Problem(raw_row.file, line, where, f"{end_name}.interface",
                                    f"device {device_name!r} has no interface {iface_name!r}"))
            return device, None, False
        return device, iface, True

    declared: list[tuple[Circuit, Interface, Interface]] = []
    for raw_row, row in doc.section("circuits"):
        values = row.model_dump(exclude={"a", "z", "carrier", "contract"})
        ok = True
        carrier = refs.get("carrier", row.carrier)
        if row.carrier is not None and carrier is None:
            missing(raw_row, row, "carrier", "carrier", row.carrier)
            ok = False
        values["carrier_id"] = carrier.id if carrier else None
        contract = refs.get("contract", row.contract)
        if row.contract is not None and contract is None:
            missing(raw_row, row, "contract", "contract", row.contract)
            ok = False
        values["contract_id"] = contract.id if contract else None
        ends: dict[str, Interface | None] = {}
        for end_name in ("a", "z"):
            end = getattr(row, end_name)
            room = refs.get("room", end.room)
            unit = refs.get("unit", end.unit)
            if end.room is not None and room is None:
                missing(raw_row, row, f"{end_name}.room", "room", end.room)
                ok = False
            if end.unit is not None and unit is None:
                missing(raw_row, row, f"{end_name}.unit", "unit", end.unit)
                ok = False
            device, iface, found = interface_of(raw_row, row, end_name, end.device, end.interface)
            ok = ok and found
            if device is not None and found and (room or unit):
                where = (device.room_id, device.unit_id)
                if (room and where != (room.id, None)) or (unit and where != (None, unit.id)):
                    line, _ = _locate(raw_row.data, (end_name, "device"))
                    site = end.room or end.unit
                    problems.append(Problem(raw_row.file, line, f"circuits[{raw_row.index}] ({row.cid})",
                                            f"{end_name}.device", f"device {end.device!r} is not in {site!r}"))
                    ok = False
            values[f"{end_name}_room_id"] = room.id if room else None
            values[f"{end_name}_unit_id"] = unit.id if unit else None
            values[f"{end_name}_external"] = end.external
            values[f"{end_name}_interface_id"] = iface.id if iface else None
            ends[end_name] = iface
        if not ok:
            continue
        circuit = upsert("circuit", "circuits", Circuit, "cid", values, raw_row)
        if ends["a"] is not None and ends["z"] is not None:
            declared.append((circuit, ends["a"], ends["z"]))
    checkpoint()

    existing_links = {(lk.a_interface_id, lk.z_interface_id, lk.source): lk for lk in session.exec(select(Link))}
    now = utcnow()

    def put_link(a: Interface, z: Interface, source: str, circuit: Circuit | None) -> None:
        a_id, z_id = sorted((a.id, z.id))  # type: ignore[type-var]
        link = existing_links.get((a_id, z_id, source))
        if link is None:
            link = Link(a_interface_id=a_id, z_interface_id=z_id, source=source, first_seen=now, last_seen=now,
                        circuit_id=circuit.id if circuit else None)
            existing_links[(a_id, z_id, source)] = link
            report.count("links", True)
        elif circuit is not None and link.circuit_id != circuit.id:
            link.circuit_id = circuit.id
        session.add(link)

    for circuit, a, z in declared:
        put_link(a, z, "declared", circuit)
    for raw_row, row in doc.section("links"):
        _, a, ok_a = interface_of(raw_row, row, "a", row.a.device, row.a.interface)
        _, z, ok_z = interface_of(raw_row, row, "z", row.z.device, row.z.interface)
        circuit = refs.get("circuit", row.circuit)
        if row.circuit is not None and circuit is None:
            missing(raw_row, row, "circuit", "circuit", row.circuit)
            continue
        if ok_a and ok_z and a is not None and z is not None:
            put_link(a, z, row.source.value, circuit)

    budget = {(b.year, b.line): b for b in session.exec(select(BudgetLine))}
    for raw_row, row in doc.section("budget_lines"):
        values = row.model_dump(exclude={"carrier"})
        carrier = refs.get("carrier", row.carrier)
        if row.carrier is not None and carrier is None:
            missing(raw_row, row, "carrier", "carrier", row.carrier)
            continue
        values["carrier_id"] = carrier.id if carrier else None
        line = budget.get((row.year, row.line))
        if line is None:
            line = BudgetLine(**values)
            budget[(row.year, row.line)] = line
            report.count("budget_lines", True)
        else:
            for name, value in values.items():
                if getattr(line, name) != value:
                    setattr(line, name, value)
            report.count("budget_lines", False)
        session.add(line)
    checkpoint()

    refs.load("payment", list(session.exec(select(Payment))), "voucher")
    for raw_row, row in doc.section("payments"):
        values = row.model_dump(exclude={"carrier", "contract", "budget_line"})
        carrier = refs.get("carrier", row.carrier)
        contract = refs.get("contract", row.contract)
        ok = True
        if carrier is None:
            missing(raw_row, row, "carrier", "carrier", row.carrier)
            ok = False
        if row.contract is not None and contract is None:
            missing(raw_row, row, "contract", "contract", row.contract)
            ok = False
        line_obj = None
        if row.budget_line is not None:
            line_obj = budget.get((row.budget_line.year, row.budget_line.line))
            if line_obj is None:
                line_no, _ = _locate(raw_row.data, ("budget_line",))
                ref = row.budget_line
                problems.append(Problem(raw_row.file, line_no, f"payments[{raw_row.index}] ({row.voucher})",
                                        "budget_line", f"no budget line {ref.year} {ref.line!r}"))
                ok = False
        if not ok:
            continue
        values.update(carrier_id=carrier.id, contract_id=contract.id if contract else None,
                      budget_line_id=line_obj.id if line_obj else None)
        upsert("payment", "payments", Payment, "voucher", values, raw_row)

    incidents = {(i.carrier_id, i.circuit_id, i.started_at): i for i in session.exec(select(Incident))}
    for raw_row, row in doc.section("incidents"):
        values = row.model_dump(exclude={"carrier", "circuit"})
        carrier = refs.get("carrier", row.carrier)
        circuit = refs.get("circuit", row.circuit)
        if carrier is None:
            missing(raw_row, row, "carrier", "carrier", row.carrier)
            continue
        if row.circuit is not None and circuit is None:
            missing(raw_row, row, "circuit", "circuit", row.circuit)
            continue
        values.update(carrier_id=carrier.id, circuit_id=circuit.id if circuit else None)
        key = (carrier.id, values["circuit_id"], row.started_at)
        incident = incidents.get(key)
        if incident is None:
            incident = Incident(**values)
            incidents[key] = incident
            report.count("incidents", True)
        else:
            for name, value in values.items():
                if getattr(incident, name) != value:
                    setattr(incident, name, value)
            report.count("incidents", False)
        session.add(incident)

    checkpoint()
    return report


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
    carriers = {c.id: c for c in session.exec(select(Carrier).order_by(Carrier.code))}
    rooms = {r.id: r for r in session.exec(select(Room).order_by(Room.id))}
    units = {u.id: u for u in session.exec(select(Unit).order_by(Unit.code))}
    contracts = {c.id: c for c in session.exec(select(Contract).order_by(Contract.code))}
    devices = {d.id: d for d in session.exec(select(Device).order_by(Device.hostname))}
    ifaces_by_device: dict[int, list[Interface]] = {}
    ifaces: dict[int, Interface] = {}
    for iface in session.exec(select(Interface).order_by(Interface.device_id, Interface.id)):
        ifaces_by_device.setdefault(iface.device_id, []).append(iface)
        ifaces[iface.id] = iface  # type: ignore[index]
    circuits = list(session.exec(select(Circuit).order_by(Circuit.cid)))
    circuit_by_id = {c.id: c for c in circuits}

    def iface_row(i: Interface) -> dict[str, Any]:
        row: dict[str, Any] = {"name": i.name, "description": i.description}
        if i.ip_address:
            row["ip"] = f"{i.ip_address}/{i.prefix_length}"
        if i.speed_mbps is not None:
            row["speed_mbps"] = i.speed_mbps
        if not i.enabled:
            row["enabled"] = False
        return row

    def end(prefix: str, c: Circuit) -> dict[str, Any]:
        out: dict[str, Any] = {}
        room_id, unit_id = getattr(c, f"{prefix}_room_id"), getattr(c, f"{prefix}_unit_id")
        if room_id:
            out["room"] = rooms[room_id].code
        if unit_id:
            out["unit"] = units[unit_id].code
        if getattr(c, f"{prefix}_external"):
            out["external"] = getattr(c, f"{prefix}_external")
        iface_id = getattr(c, f"{prefix}_interface_id")
        if iface_id:
            iface = ifaces[iface_id]
            out["device"] = devices[iface.device_id].hostname
            out["interface"] = iface.name
        return out

    def end_of_link(iface_id: int) -> dict[str, str]:
        iface = ifaces[iface_id]
        return {"device": devices[iface.device_id].hostname, "interface": iface.name}

    device_rows = []
    for d in devices.values():
        row = _clean(d.model_dump())
        if d.room_id:
            row = {**row, "room": rooms[d.room_id].code}
        if d.unit_id:
            row = {**row, "unit": units[d.unit_id].code}
        row["interfaces"] = [iface_row(i) for i in ifaces_by_device.get(d.id, [])]  # type: ignore[arg-type]
        device_rows.append(row)

    circuit_rows = []
    for c in circuits:
        row = _clean(c.model_dump())
        row = {"cid": row.pop("cid"), **({"carrier": carriers[c.carrier_id].code} if c.carrier_id else {}), **row}
        row["a"], row["z"] = end("a", c), end("z", c)
        for key in ("a_external", "z_external"):
            row.pop(key, None)
        if c.contract_id:
            row["contract"] = contracts[c.contract_id].code
        circuit_rows.append(row)

    links = []
    for lk in session.exec(select(Link).where(Link.source != "declared").order_by(Link.id)):
        row = {"a": end_of_link(lk.a_interface_id), "z": end_of_link(lk.z_interface_id), "source": lk.source}
        if lk.circuit_id:
            row["circuit"] = circuit_by_id[lk.circuit_id].cid
        links.append(row)

    budget = {b.id: b for b in session.exec(select(BudgetLine).order_by(BudgetLine.year, BudgetLine.line))}
    budget_rows = []
    for b in budget.values():
        row = _clean(b.model_dump())
        if b.carrier_id:
            row["carrier"] = carriers[b.carrier_id].code
        budget_rows.append(row)
    payment_rows = []
    for p in session.exec(select(Payment).order_by(Payment.voucher)):
        row = {"voucher": p.voucher, "carrier": carriers[p.carrier_id].code, **_clean(p.model_dump(), ("voucher",))}
        if p.contract_id:
            row["contract"] = contracts[p.contract_id].code
        if p.budget_line_id:
            bl = budget[p.budget_line_id]
            row["budget_line"] = {"year": bl.year, "line": bl.line}
        payment_rows.append(row)
    incident_rows = []
    for i in session.exec(select(Incident).order_by(Incident.started_at, Incident.id)):
        row = {"carrier": carriers[i.carrier_id].code, **_clean(i.model_dump())}
        if i.circuit_id:
            row["circuit"] = circuit_by_id[i.circuit_id].cid
        incident_rows.append(row)

    return {
        "version": DOCUMENT_VERSION,
        "carriers": [_clean(c.model_dump()) for c in carriers.values()],
        "rooms": [_clean(r.model_dump()) for r in rooms.values()],
        "units": [_clean(u.model_dump()) for u in units.values()],
        "contracts": [{**_clean(c.model_dump()), "carrier": carriers[c.carrier_id].code} for c in contracts.values()],
        "devices": device_rows,
        "circuits": circuit_rows,
        "links": links,
        "budget_lines": budget_rows,
        "payments": payment_rows,
        "incidents": incident_rows,
    }


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
