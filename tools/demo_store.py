"""The demo district's store (示例数据): built from tools.demo's exports through the normal ingest."""

from __future__ import annotations

import fcntl
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

from board.ingest import ingest_path
from board.store import Store, demo_path

ORDER = ("towns", "hazards", "inspections", "indicators", "grids", "grid_events")
BUILT = date(2026, 11, 1)  # the demo's own "today", so that rebuilding never depends on the clock


def ensure(path: Path | None = None, *, rows: int | None = None, rebuild: bool = False) -> Path:
    """Build the demo store unless it is there; concurrent callers wait for one build."""
    path = Path(path or demo_path()).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.build.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (path / "manifest.json").exists() and not rebuild and _complete(path):
            return path
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            build(staging, rows=rows)
            if path.exists():
                shutil.rmtree(path)
            staging.rename(path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return path


def _complete(path: Path) -> bool:
    """Whether a built demo store has every dataset (one built before the grid level is rebuilt)."""
    state = Store(path).state()
    return all(state.files(dataset) for dataset in ORDER)


def build(target: Path, rows: int | None = None) -> None:
    """Generate the exports and ingest them, in order, into a demo-kind store at target."""
    from tools import demo

    exports = target / "_exports"
    files = demo.write_exports(exports, hazard_rows=rows)
    store = Store(target)
    for dataset in ORDER:
        report = ingest_path(store, files[dataset], dataset=dataset, user="示例数据生成器",
                             today=BUILT, kind="demo")
        if not report.committed:
            raise RuntimeError(report.text())
    store.save_boundaries(json.loads(Path(files["boundaries"]).read_text("utf-8")),
                          "示例数据生成器", kind="demo")
    shutil.rmtree(exports)
