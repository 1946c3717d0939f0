"""The demo stores (示例数据): the demo district, and the demo city of six districts, each built from its
exports (tools.demo, tools.demo_city) through the normal ingest."""

from __future__ import annotations

import fcntl
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

from board.ingest import ingest_path
from board.store import Store, demo_city_path, demo_is_city, demo_path

ORDER = ("towns", "hazards", "inspections", "indicators", "grids", "grid_events")
CITY_ORDER = ("districts", *ORDER)  # a town names its district, so the districts come first
BUILT = date(2026, 11, 1)  # the demo's own "today", so that rebuilding never depends on the clock
USER = "示例数据生成器"


def ensure(path: Path | None = None, *, city: bool = False, rows: int | None = None,
           rebuild: bool = False) -> Path:
    """Build the demo store (city=True: the demo city) unless it is there; concurrent callers wait for one
    build. rows: hazards in all (the district's ledger, or the city's shared among its districts)."""
    city = city or (path is None and demo_is_city()) or (path is not None and
                                                        Path(path).resolve() == demo_city_path().resolve())
    path = Path(path or (demo_city_path() if city else demo_path())).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.build.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (path / "manifest.json").exists() and not rebuild and _complete(path, CITY_ORDER if city else ORDER):
            return path
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            (build_city if city else build)(staging, rows=rows)
            if path.exists():
                shutil.rmtree(path)
            staging.rename(path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return path


def _complete(path: Path, order: tuple[str, ...] = ORDER) -> bool:
    """Whether a built demo store has every dataset (one built before the grid level is rebuilt)."""
    state = Store(path).state()
    return all(state.files(dataset) for dataset in order)


def build(target: Path, rows: int | None = None) -> None:
    """Generate the exports and ingest them, in order, into a demo-kind store at target."""
    from tools import demo

    exports = target / "_exports"
    files = demo.write_exports(exports, hazard_rows=rows)
    store = Store(target)
    for dataset in ORDER:
        _ingest(store, files[dataset], dataset)
    store.save_boundaries(json.loads(Path(files["boundaries"]).read_text("utf-8")), USER, kind="demo")
    shutil.rmtree(exports)


def build_city(target: Path, rows: int | None = None) -> None:
    """The demo city's exports ingested into a demo-kind store at target: the districts, then the towns, then
    each dataset (the ledger one file per district); the town boundaries carry each town's district_code."""
    from tools import demo_city

    exports = target / "_exports"
    files = demo_city.write_exports(exports, hazard_rows=rows)
    store = Store(target)
    for dataset in CITY_ORDER:
        for path in files[dataset]:
            _ingest(store, path, dataset)
    store.save_boundaries(json.loads(files["boundaries"][0].read_text("utf-8")), USER, kind="demo")
    shutil.rmtree(exports)


def _ingest(store: Store, path: Path, dataset: str) -> None:
    report = ingest_path(store, path, dataset=dataset, user=USER, today=BUILT, kind="demo")
    if not report.committed:
        raise RuntimeError(report.text())
