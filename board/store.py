"""The analysts' store: immutable batches, an event manifest replaced atomically, rollback.

Layout of a store folder:
    manifest.json              every event (commit, rollback, definitions), oldest first
    archive/<batch>/<file>     the uploaded file, byte for byte
    batches/<batch>.parquet    its rows, canonical columns
    definitions/<id>.json      saved versions of the indicator definitions
    mappings.json              remembered column mappings per export source

The manifest is the only thing readers trust: files it does not name are
leftovers of an interrupted write and are swept by the next writer. Readers
never lock; writers take an exclusive flock on .write.lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from board import ROOT
from board.errors import Problem, Rejected

TZ = ZoneInfo("Asia/Shanghai")
MANIFEST = "manifest.json"
FORMAT = 1


def default_path() -> Path:
    """The store named by BOARD_STORE, else data/store in the project."""
    env = os.environ.get("BOARD_STORE")
    return Path(env) if env else ROOT / "data" / "store"


def demo_path() -> Path:
    """The demo stand-in's store: the demo district's, or with BOARD_DEMO=city the demo city's."""
    return demo_city_path() if demo_is_city() else ROOT / "data" / "demo" / "store"


def demo_is_city() -> bool:
    return os.environ.get("BOARD_DEMO", "").strip().lower() == "city"


def demo_city_path() -> Path:
    """The demo city's store (tools.demo_store.ensure(city=True)), beside the demo district's."""
    return ROOT / "data" / "demo" / "city-store"


def shown(explicit: Path | str | None = None) -> tuple["Store", bool]:
    """(the store to read, whether it is the demo stand-in).

    An explicit store is read as it is. Otherwise the configured store is read
    once it has had any upload; until then the demo district stands in (and a
    store whose batches were all rolled back stays the real, empty store).
    """
    if explicit:
        return Store(explicit), False
    real = Store(default_path())
    if real.events():
        return real, False
    return Store(demo_path()), True


@dataclass(frozen=True)
class Batch:
    batch_id: str
    seq: int
    dataset: str
    time: str
    user: str
    source_file: str
    sha256: str
    rows: int
    archive: str
    parquet: str
    added: int = 0
    updated: int = 0
    notices: tuple[str, ...] = ()
    set_aside: int = 0  # rows of the file set aside on the analyst's request (kept, with reasons)
    set_aside_file: str | None = None  # their Parquet: Excel row number, reasons, the cells as in the file

    @classmethod
    def from_event(cls, e: dict) -> "Batch":
        return cls(e["batch_id"], e["seq"], e["dataset"], e["time"], e["user"], e["source_file"],
                   e["sha256"], e["rows"], e["archive"], e["parquet"], e.get("added", 0),
                   e.get("updated", 0), tuple(e.get("notices", ())), e.get("set_aside", 0),
                   e.get("set_aside_file"))


@dataclass(frozen=True)
class State:
    """What the board shows at one point of the manifest (its seq)."""

    root: Path
    kind: str
    seq: int
    batches: tuple[Batch, ...] = ()
    definitions: str | None = None  # relative path of the definitions in force
    boundaries: str | None = None  # relative path of the town boundaries GeoJSON in force
    rolled_back: frozenset[str] = field(default_factory=frozenset)

    def files(self, dataset: str) -> list[Path]:
        return [self.root / b.parquet for b in self.batches if b.dataset == dataset]

    @property
    def is_demo(self) -> bool:
        return self.kind == "demo"

    @property
    def empty(self) -> bool:
        return not self.batches


class Duplicate(Exception):
    """The exact file is already on the board as an active batch; nothing was written."""

    def __init__(self, batch: Batch):
        self.batch = batch
        super().__init__(batch.batch_id)


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path).resolve()

    # -- reading (never locks, never writes) ------------------------------------

    def manifest(self) -> dict:
        try:
            return json.loads((self.path / MANIFEST).read_text("utf-8"))
        except FileNotFoundError:
            return {"format": FORMAT, "kind": None, "events": []}

    def version(self) -> int:
        events = self.manifest()["events"]
        return events[-1]["seq"] if events else 0

    def state(self, at: int | None = None) -> State:
        """The store as it stood right after event `at` (default: now)."""
        m = self.manifest()
        events = [e for e in m["events"] if at is None or e["seq"] <= at]
        commits: dict[str, Batch] = {}
        rolled: set[str] = set()
        definitions = boundaries = None
        for e in events:
            if e["type"] == "commit":
                commits[e["batch_id"]] = Batch.from_event(e)
            elif e["type"] == "rollback":
                rolled.add(e["batch_id"])
            elif e["type"] == "definitions":
                definitions = e["path"]
            elif e["type"] == "boundaries":
                boundaries = e["path"]
        active = tuple(b for b in commits.values() if b.batch_id not in rolled)
        seq = events[-1]["seq"] if events else 0
        return State(self.path, m.get("kind") or "real", seq, active, definitions, boundaries,
                     frozenset(rolled))

    def events(self) -> list[dict]:
        return self.manifest()["events"]

    def batch(self, batch_id: str) -> Batch | None:
        for e in self.events():
            if e["type"] == "commit" and e["batch_id"] == batch_id:
                return Batch.from_event(e)
        return None

    def duplicate_of(self, sha256: str, dataset: str) -> Batch | None:
        """The active batch that already holds this exact file, if any."""
        for b in self.state().batches:
            if b.sha256 == sha256 and b.dataset == dataset:
                return b
        return None

    # -- writing (one writer at a time) -----------------------------------------

    @contextmanager
    def locked(self):
        """The writers' lock, for side files (remembered mappings) read, changed and replaced together."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".write.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def _writing(self, kind: str):
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".write.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                m = self.manifest()
                if m.get("kind") and m["kind"] != kind:
                    raise Rejected([Problem(str(self.path), _KIND_CLASH[kind])])
                m["kind"] = kind
                self._sweep(m)
                yield m
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def commit(self, dataset: str, table: pa.Table, source_name: str, source: bytes, user: str,
               **kw) -> Batch:
        return self.commit_many([(dataset, table)], source_name, source, user, **kw)[-1]

    def commit_many(self, tables: list[tuple[str, pa.Table]], source_name: str, source: bytes,
                    user: str, *, notices: list[str] = (), kind: str = "real", added: int | None = None,
                    updated: int = 0, set_aside=None, recheck=None) -> list[Batch]:
        """Archive the file and write its batches, then publish them all with one manifest rename.

        set_aside: a pandas frame of the file's rows set aside (with their reasons), kept beside the last batch.
        recheck(state), when given, runs under the writers' lock against the store as it now stands: it may
        refuse (Rejected) and returns (added, updated), so two uploads at once count what each really did.
        """
        if not user:
            raise PermissionError("写入数据需要分析员身份")
        sha = hashlib.sha256(source).hexdigest()
        name = _safe_name(source_name)
        with self._writing(kind) as m:
            # checked again under the lock: two analysts confirming the same file at once add it once
            dup = self.duplicate_of(sha, tables[-1][0])
            if dup:
                raise Duplicate(dup)
            if recheck is not None:
                added, updated = recheck(self.state())
            first = _next_seq(m)
            archive = f"archive/b{first + len(tables) - 1:04d}/{name}"
            _write_bytes(self.path / archive, source)
            events = []
            for i, (dataset, table) in enumerate(tables):
                seq = first + i
                batch_id = f"b{seq:04d}"
                parquet = f"batches/{batch_id}.parquet"
                table = table.append_column("batch_seq", pa.array([seq] * table.num_rows, pa.int64()))
                _write_parquet(self.path / parquet, table)
                last = i == len(tables) - 1
                extra = {}
                if last and set_aside is not None and len(set_aside):
                    extra = {"set_aside": int(len(set_aside)),
                             "set_aside_file": f"batches/{batch_id}.set_aside.parquet"}
                    _write_parquet(self.path / extra["set_aside_file"],
                                   pa.Table.from_pandas(set_aside, preserve_index=False))
                events.append({
                    "seq": seq, "type": "commit", "batch_id": batch_id, "dataset": dataset,
                    "time": _now(), "user": user,
                    "source_file": name if last else f"{name}（自动登记的镇街）", "sha256": sha,
                    "rows": table.num_rows,
                    "added": added if last and added is not None else table.num_rows,
                    "updated": updated if last else 0,
                    "archive": archive, "parquet": parquet, "notices": list(notices) if last else [],
                    **extra,
                })
            m["events"].extend(events)
            self._publish(m)
            return [Batch.from_event(e) for e in events]

    def rollback(self, batch_id: str, user: str, own_only: bool = False) -> dict:
        """Take a batch out of the board; its files stay archived. own_only: the user may take out only the
        batches they uploaded themselves (an analyst limited to some districts)."""
        if not user:
            raise PermissionError("回滚需要分析员身份")
        with self._writing(self.manifest().get("kind") or "real") as m:
            state = self.state()
            if batch_id not in {b.batch_id for b in state.batches}:
                known = batch_id in {e.get("batch_id") for e in m["events"] if e["type"] == "commit"}
                why = "该批次已经回滚过" if known else "没有这个批次"
                raise Rejected([Problem(str(self.path), f"无法回滚 {batch_id}：{why}")])
            owner = next(b.user for b in state.batches if b.batch_id == batch_id)
            if own_only and owner != user:
                raise Rejected([Problem(str(self.path), f"无法回滚 {batch_id}：该批次由“{owner}”上传；账号“{user}”"
                                                        "只限部分区县，只能回滚自己上传的批次")])
            event = {"seq": _next_seq(m), "type": "rollback", "batch_id": batch_id,
                     "time": _now(), "user": user}
            m["events"].append(event)
            self._publish(m)
            return event

    def save_definitions(self, definitions: dict, user: str) -> dict:
        """Record a new version of the indicator definitions (earlier versions stay)."""
        return self._save_document("definitions", definitions, user)

    def save_boundaries(self, geojson: dict, user: str, kind: str | None = None) -> dict:
        """Record a new town-boundaries GeoJSON (earlier versions stay)."""
        return self._save_document("boundaries", geojson, user, kind)

    def _save_document(self, what: str, doc: dict, user: str, kind: str | None = None) -> dict:
        if not user:
            raise PermissionError("修改设置需要分析员身份")
        with self._writing(kind or self.manifest().get("kind") or "real") as m:
            seq = _next_seq(m)
            rel = f"{what}/{what[0]}{seq:04d}.json"
            _write_bytes(self.path / rel, json.dumps(doc, ensure_ascii=False, indent=1).encode())
            event = {"seq": seq, "type": what, "path": rel, "time": _now(), "user": user}
            m["events"].append(event)
            self._publish(m)
            return event

    def _publish(self, manifest: dict) -> None:
        manifest["format"] = FORMAT
        _write_bytes(self.path / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())

    def _sweep(self, manifest: dict) -> None:
        """Remove what an interrupted writer left: files the manifest does not name."""
        named = {e.get(k) for e in manifest["events"] for k in ("archive", "parquet", "path", "set_aside_file")}
        for sub in ("archive", "batches", "definitions", "boundaries"):
            base = self.path / sub
            if not base.exists():
                continue
            for f in sorted(base.rglob("*"), reverse=True):
                rel = f.relative_to(self.path).as_posix()
                if f.is_file() and rel not in named:
                    f.unlink()
                elif f.is_dir() and not any(f.iterdir()):
                    f.rmdir()
        for f in self.path.glob(".*.tmp"):
            f.unlink()


_KIND_CLASH = {
    "real": "这是示例数据仓库，不能写入真实数据；请用 --store 指定真实数据仓库",
    "demo": "这是真实数据仓库，示例数据不能写入",
}


def _next_seq(manifest: dict) -> int:
    return (manifest["events"][-1]["seq"] if manifest["events"] else 0) + 1


def _now() -> str:
    return datetime.now(TZ).isoformat(timespec="seconds")


def _safe_name(name: str) -> str:
    """The uploaded file's base name, without path parts or characters a filesystem rejects."""
    base = Path(str(name).replace("\\", "/")).name or "upload"
    base = re.sub(r'[\x00-\x1f<>:"|?*]', "_", base).lstrip(".") or "upload"
    return base[:150]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes(target: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either nothing or all of it: temp, fsync, rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def _write_parquet(target: Path, table: pa.Table) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    pq.write_table(table, tmp, compression="zstd", row_group_size=1 << 20)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def set_aside_rows(store: Store, batch: Batch):
    """The rows a batch set aside (Excel row number, reasons, the cells as in the file), as a pandas frame."""
    import pandas as pd

    if not batch.set_aside_file:
        return pd.DataFrame(columns=["Excel行号", "原因"])
    return pq.read_table(store.path / batch.set_aside_file).to_pandas()


def copy_archived(store: Store, batch: Batch, dest: Path) -> Path:
    """Copy a batch's original file out of the archive."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(store.path / batch.archive, dest)
    return dest
