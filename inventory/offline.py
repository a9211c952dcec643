"""Offline import: what other tools saved, through the same ingest as an SSH collection.

Read from a folder (`extranet collect --import FOLDER`), whichever of these it holds, mixed:

* one sub-folder per device holding `<key>.txt` or `<command with spaces as _>.txt` (what
  `export_outputs` writes);
* Oxidized output: flat files named after the node (the file is the config), or one sub-folder per
  Oxidized group holding those files;
* RANCID `configs/`: files starting `!RANCID-CONTENT-TYPE:`; RANCID's `!` comment block of show output
  (chassis, memory, serial: it changes with every reboot) is cut off, the config starts after it;
* capture files: a terminal session with prompts and several commands (`<QHD-CORE-1>display version`
  … `<QHD-CORE-1>disp int` …, `R1#sh ver`), split at the prompt into command outputs
  (collectors/capture.py);
* a plain folder of configs (`.cfg`, `.conf`, `.txt` or no extension).

Which device: the file (or folder) name as an inventory hostname or management address, else the
capture's prompt or the config's own `sysname`/`hostname`. Which platform: the inventory's; a file
for a device the inventory does not know is skipped with a warning naming the file and the host it
names (the inventory says where a device stands and who pays for it, so an import does not invent
one: add it with `extranet import`, then import again). Anything unreadable or unrecognised is
skipped with a warning naming it, never an abort; the warnings are in the report and the run's
params (`skipped`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from collectors.capture import best_capture, config_hostname, detect, rancid_config
from collectors.engine import DeviceOutcome, RawOutput
from collectors.platforms import Profile, load_profile
from collectors.validate import MAX_CONFIG_BYTES

from .collection import RunReport, _count, finalise_run, ingest
from .db import session_scope
from .errors import ExtranetError
from .models import CollectionRun, CommandOutput, Device

# Folders a VCS or RANCID keeps next to the configs: never devices.
IGNORED_DIRS = frozenset({".git", ".svn", ".hg", "CVS", "RCS"})
CONFIG_SUFFIXES = frozenset({"", ".cfg", ".conf", ".config", ".txt", ".log", ".text"})
MAX_SKIPPED_IN_RUN = 500  # warnings kept in the run's params (the report has them all)


@dataclass
class _Found:
    """One device's outputs gathered from one or more files."""

    device: Device
    outputs: dict[str, RawOutput] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # key -> the file it came from


class _Inventory:
    def __init__(self, session: Session) -> None:
        self.devices = list(session.exec(select(Device)).all())
        self.by_name = {d.hostname.lower(): d for d in self.devices}
        self.by_address = {d.mgmt_address: d for d in self.devices}

    def named(self, name: str) -> Device | None:
        return self.by_name.get(name.lower()) or self.by_address.get(name)


def _stem(path: Path) -> str:
    return path.stem if path.suffix.lower() in CONFIG_SUFFIXES - {""} else path.name


def _read(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ExtranetError(f"{path}: neither UTF-8 nor GBK text", code="import")


def _command_files(profile: Profile) -> dict[str, str]:
    """File stem -> profile key: `<key>`, `<command with spaces as _>`, `<command>`."""
    by_name: dict[str, str] = {}
    for c in profile.commands:
        for name in (c.key, c.command.replace(" ", "_"), c.command):
            by_name[name] = c.key
    return by_name


def _looks_like_device_dir(folder: Path, inv: _Inventory) -> bool:
    if inv.named(folder.name) is not None:
        return True
    stems = {f.stem for f in folder.iterdir() if f.is_file()}
    return any(stems & set(_command_files(load_profile(p)))
               for p in sorted({d.platform for d in inv.devices}) or ())


class _Reader:
    def __init__(self, inv: _Inventory) -> None:
        self.inv = inv
        self.found: dict[int, _Found] = {}
        self.skipped: list[str] = []

    def skip(self, path: Path, why: str) -> None:
        self.skipped.append(f"{path}: {why}; skipped")

    def add(self, dev: Device, key: str, raw: RawOutput, path: Path) -> None:
        f = self.found.setdefault(dev.id, _Found(dev))
        if key in f.outputs:
            self.skip(path, f"{dev.hostname} {raw.command!r} already read from {f.files[key]}")
            return
        f.outputs[key], f.files[key] = raw, path

    # ------------------------------------------------------------------------------------- folders
    def walk(self, folder: Path, depth: int = 0) -> None:
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name in IGNORED_DIRS:
                continue
            if entry.is_dir():
                if _looks_like_device_dir(entry, self.inv):
                    self.device_dir(entry)
                elif depth < 2:  # an Oxidized group, a RANCID group's configs/
                    self.walk(entry, depth + 1)
                else:
                    self.skip(entry, "a folder nested too deep (expected device or group folders)")
            elif entry.is_file():
                self.file(entry)

    def device_dir(self, folder: Path) -> None:
        dev = self.inv.named(folder.name)
        if dev is None:
            self.skip(folder, f"device {folder.name!r} is not in the inventory (add it with extranet import)")
            return
        profile = load_profile(dev.platform)
        by_name = _command_files(profile)
        for f in sorted(folder.iterdir()):
            if f.name.startswith(".") or not f.is_file():
                continue
            key = by_name.get(f.stem) or by_name.get(f.name)
            if key is None:
                self.skip(f, f"not a command file of {dev.platform} (expected "
                             f"{', '.join(sorted(c.key + '.txt' for c in profile.commands))})")
                continue
            try:
                text = _read(f)
            except ExtranetError as exc:
                self.skip(f, exc.message)
                continue
            self.add(dev, key, RawOutput(profile.command(key).command, text), f)

    # ---------------------------------------------------------------------------------------- files
    def file(self, path: Path) -> None:
        try:
            text = _read(path)
        except ExtranetError as exc:
            self.skip(path, exc.message)
            return
        named = self.inv.named(_stem(path))
        if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
            if named is None:
                self.skip(path, f"{len(text):,} characters and named after no device")
            else:  # stored and refused as too large: the device's result says so
                self.add(named, "config", RawOutput(load_profile(named.platform).command("config").command, text),
                         path)
            return
        rancid = rancid_config(text)
        if rancid is not None:
            self.config(path, rancid[1], named, hint=text)
            return
        cap = best_capture(text, (named.platform,) if named else None)
        if cap is not None and cap.outputs:
            dev = named or self.inv.named(cap.host)
            if dev is None:
                self.skip(path, f"a {cap.platform} capture of {cap.host!r}, a device not in the inventory")
                return
            if named is None and dev.platform != cap.platform:
                cap = best_capture(text, (dev.platform,))
                if cap is None or not cap.outputs:
                    self.skip(path, f"no {dev.platform} command of {dev.hostname} found in the capture")
                    return
            profile = load_profile(dev.platform)
            for key, body in cap.outputs.items():
                self.add(dev, key, RawOutput(profile.command(key).command, body), path)
            for why in cap.skipped:
                self.skipped.append(f"{path}: command {why}; skipped")
            return
        self.config(path, text, named, hint=text)

    def config(self, path: Path, text: str, named: Device | None, *, hint: str) -> None:
        """A file holding one config: the device by file name, else by the config's own name."""
        dev = named
        platform = detect(hint)
        if dev is None:
            if platform is None:
                self.skip(path, "not a config or capture of a known platform, and named after no device")
                return
            host = config_hostname(platform, text)
            dev = self.inv.named(host) if host else None
            if dev is None:
                self.skip(path, f"a {platform} config of {host or 'a device with no hostname line'!r}, "
                                "a device not in the inventory (add it with extranet import)")
                return
        elif platform is not None and platform != dev.platform and text.strip():
            self.skipped.append(f"{path}: reads like {platform} but the inventory says {dev.hostname} is "
                                f"{dev.platform}; read as {dev.platform}")
        self.add(dev, "config", RawOutput(load_profile(dev.platform).command("config").command, text), path)


def read_folder(session: Session, folder: Path) -> tuple[list[_Found], list[str]]:
    """Every device's outputs found under ``folder``, and the warnings for what was skipped."""
    reader = _Reader(_Inventory(session))
    reader.walk(folder)
    return sorted(reader.found.values(), key=lambda f: f.device.hostname), reader.skipped


def import_folder(engine: Engine, folder: Path, *, actor: str = "system") -> RunReport:
    """Ingest a folder of saved outputs (the formats of the module doc) through the same parsers and
    checks as an SSH collection; one transaction per device."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExtranetError(f"{folder}: not a folder; expected device folders, Oxidized/RANCID output, capture "
                            "files or configs", code="import")
    with session_scope(engine, actor=actor) as s:
        found, skipped = read_folder(s, folder)
        run = CollectionRun(trigger="import", requested_by=actor, total=len(found),
                            params={"folder": str(folder), "skipped": skipped[:MAX_SKIPPED_IN_RUN]})
        s.add(run)
        s.flush()
        run_id = run.id
        outcomes = [(f.device.id, f.device.hostname, DeviceOutcome(hostname=f.device.hostname,
                                                                    platform=f.device.platform, ok=True,
                                                                    outputs=f.outputs)) for f in found]
    report = RunReport(run_id=run_id, total=len(outcomes), skipped=skipped)
    for dev_id, host, outcome in outcomes:
        with session_scope(engine, actor=actor) as s:
            result = ingest(s, run_id, s.get(Device, dev_id), outcome, source="import", worker="import")
            _count(report, result, host)
    finalise_run(engine, run_id, "done", actor=actor)
    return report


def export_outputs(session: Session, run_id: int, folder: Path) -> int:
    """Write a run's raw outputs as an import folder (one sub-folder per device, `<key>.txt`)."""
    n = 0
    for out in _outputs(session, run_id):
        dev = session.get(Device, out.device_id)
        prof = load_profile(dev.platform)
        key = next((c.key for c in prof.commands if c.command == out.command), out.command.replace(" ", "_"))
        (folder / dev.hostname).mkdir(parents=True, exist_ok=True)
        (folder / dev.hostname / f"{key}.txt").write_text(out.output, encoding="utf-8")
        n += 1
    return n


def _outputs(session: Session, run_id: int) -> Iterator[CommandOutput]:
    yield from session.exec(select(CommandOutput).where(CommandOutput.run_id == run_id)).all()
