"""DuckDB over the store: connect(state) builds the views, run(con, name, ...) binds $params.

SQL lives in queries/ (one statement per file, file name = query name). View
files cannot take parameters, so they read from plainly named sources
(raw_<dataset>) that connect() registers over the state's Parquet batches.
"""

from __future__ import annotations

import graphlib
import hashlib
import os
import re
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from board import ROOT, vocab
from board.schema import DATASETS, arrow_schema
from board.store import State

QUERIES = ROOT / "queries"
# Offline (DESIGN §5): never fetch an extension at run time.
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# The layers as the data flows: staging renames and casts, current keeps the latest row per key, derived
# adds recurrence and rollups; macros are table functions. A page query is a file directly under queries/.
LAYERS = ("staging", "current", "derived", "macros")
# Computed once while the cache is built, for the tables built from it, and not kept: a cached connection reads
# it back from the kept table that holds the same rows (name: (that table, the column it adds)).
BUILD_ONLY = {"hazard_rows": ("hazards", "recurred_on")}
# Materialised once per store version in the cache file (the rest stay views over them).
MATERIALISED = ("districts", "towns", "hazards", "hazard_recurrence", "inspections", "indicators", "ledger_rollup",
                "backlog_events", "overdue_now", "map_tally_rollup", "map_cells_rollup", "grids", "grid_events")


@lru_cache(maxsize=None)
def objects() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Every view and macro as (name, layer, what it reads), in an order where each comes after what it
    reads: from the `-- reads:` header line of each file, never a hand-kept list."""
    declared = {}
    for layer in LAYERS:
        for f in sorted((QUERIES / layer).glob("*.sql")):
            if f.name.endswith(".spark.sql"):  # Spark's variant of a file beside it (board/spark.py)
                continue
            line = next((ln for ln in f.read_text("utf-8").splitlines() if ln.startswith("-- reads:")), None)
            if line is None:
                raise ValueError(f"{f.relative_to(ROOT)} has no '-- reads:' line")
            declared[f.stem] = (layer, tuple(r.strip() for r in line.split(":", 1)[1].split(",") if r.strip()))
    order = graphlib.TopologicalSorter()
    for name in sorted(declared):  # sorted: one order on every machine
        order.add(name, *(r for r in declared[name][1] if r in declared))
    return tuple((name, *declared[name]) for name in order.static_order())


def _create_objects(con, materialise: bool, cached: bool, temp_views: bool = False, scoped: bool = False) -> None:
    """Create the views and macros in dependency order (a macro binds the tables it reads when created).

    Scoped (a district's board in a city's store), every table keyed by town keeps only the scope's towns
    (SCOPED): whatever reads them downstream, views, macros and page queries alike, sees the district alone."""
    for name, layer, _ in objects():
        where = SCOPED.get(name, "") if scoped else ""
        if layer == "macros":
            con.execute(sql(name))
        elif cached and name in BUILD_ONLY:
            table, extra = BUILD_ONLY[name]
            con.execute(f"create view {name} as select * exclude ({extra}) from cache.{table} {where}")
        elif materialise and name in BUILD_ONLY:
            con.execute(f"create {'temp table' if temp_views else 'table'} {name} as "
                        f"select * from ({sql(name)}) {where}")
        elif cached and name in MATERIALISED:
            con.execute(f"create view {name} as select * from cache.{name} {where}")  # our own names, not data
        elif materialise and name in MATERIALISED:
            con.execute(f"create table {name} as select * from ({_materialised_sql(name)}) {where}")
        else:
            body = f"select * from ({sql(name)}) {where}" if where else sql(name)
            con.execute(f"create {'temp view' if temp_views else 'view'} {name} as {body}")


# What a district's scope keeps of each table that is counted on its own; the others (a hazard's recurrence)
# are only ever read beside a scoped table. scope_towns is filled by connect() before any of these is made.
_IN_TOWNS = "where town_code in (select town_code from scope_towns)"
SCOPED = {"districts": "where district_code in (select district_code from scope_districts)",
          "towns": _IN_TOWNS, "hazard_rows": _IN_TOWNS, "hazards": _IN_TOWNS, "inspections": _IN_TOWNS, "indicators": _IN_TOWNS,
          "ledger_rollup": _IN_TOWNS, "backlog_events": _IN_TOWNS, "overdue_now": _IN_TOWNS,
          "map_tally_rollup": _IN_TOWNS, "map_cells_rollup": _IN_TOWNS,
          "grids": _IN_TOWNS,
          "grid_events": "where grid_code in (select grid_code from scope_grids)"}


def _scope(con, districts: tuple[str, ...], cached: bool) -> None:
    """The tables scope_districts, scope_towns and scope_grids: the districts a connection is scoped to and
    their towns and grids, as the store lists them now (from the cache, or from the raw batches)."""
    def source(name):
        if cached:
            return f"cache.{name}"
        chain = [n for n, layer, _ in objects() if layer != "macros" and n in _UPSTREAM[name]]
        return "(with " + ", ".join(f"{n} as ({sql(n)})" for n in chain) + f" select * from {name})"
    con.execute("create table scope_districts as select unnest($d::varchar[]) as district_code",
                {"d": list(districts)})
    con.execute(f"create table scope_towns as select town_code from {source('towns')} "
                "where district_code in (select district_code from scope_districts)")
    con.execute(f"create table scope_grids as select grid_code from {source('grids')} "
                "where town_code in (select town_code from scope_towns)")


_UPSTREAM = {"towns": ("stg_towns", "towns"), "grids": ("stg_grids", "grids")}


def _bind_vocabulary(con, whole_name: str | None = None) -> None:
    """The one-row table `vocabulary`: the board's words (board/vocab.py) as the SQL reads them, bound as
    parameters, never spliced in. A table, not session variables: every cursor of the connection sees it.
    whole_name names the row of every town shown (全区 unless told)."""
    words = vocab.sql_words()
    if whole_name:
        words["district_name"] = whole_name
    types = {str: "varchar", int: "integer"}
    columns = ", ".join(
        f"${k}::{types[type(v[0])] + '[]' if isinstance(v, list) else types[type(v)]} as {k}" for k, v in words.items())
    con.execute(f"create table vocabulary as select {columns}", words)  # names are ours, values bound


def cache_folder(store_root: Path) -> Path:
    """Where the derived per-version DuckDB files of a store live: outside the store.

    The store holds only the record (DESIGN §4: a rejected upload leaves it byte-for-byte
    unchanged), so readers write their cache under BOARD_CACHE or the system temp folder.
    """
    base = Path(os.environ.get("BOARD_CACHE") or tempfile.gettempdir()) / "pingan-board-cache"
    return base / hashlib.sha256(str(Path(store_root).resolve()).encode()).hexdigest()[:16]


def connect(state: State, *, materialise: bool = False, threads: int | None = None,
            districts: tuple[str, ...] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose views show the store as of `state`: the whole store, or with
    `districts` (codes) a city's store scoped to those districts, which then reads as a district's own.

    With materialise, the current tables are computed once per store version and
    kept in a DuckDB file in cache_folder(store), which every later connection (any
    process) attaches read-only: the app's first page does not wait for a 10M-row
    dedupe, and several app processes share one copy in the page cache. Without,
    every query reads the Parquet batches directly.
    """
    con = duckdb.connect(config=dict(CONFIG, **({"threads": threads} if threads else {})))
    _raw_views(con, state)
    spark_built = spark_tables(state) if materialise and not state.empty else None
    if spark_built and spark_built.is_dir():
        _attach_spark(con, spark_built)  # `python -m board build --engine spark` built this version
        cached = spark_built
    else:
        cached = _cache(state) if materialise and not state.empty else None
        if cached:
            con.execute("attach ? as cache (read_only)", [str(cached)])
    if cached:
        # DuckDB keeps what it read in its buffer pool up to 80% of RAM: an app process reached 9 GB on a
        # 10M ledger. The cache file is on disk and read-only, so evicting costs only a re-read.
        con.execute(f"set memory_limit = '{_memory_limit()}'")
    _bind_vocabulary(con, _whole_name(con, state, districts, bool(cached)))
    if districts is not None:
        _scope(con, tuple(districts), bool(cached))
    _create_objects(con, materialise, bool(cached), scoped=districts is not None)
    return con


def _whole_name(con, state: State, districts: tuple[str, ...] | None, cached: bool) -> str:
    """The name of the row that sums every town shown: 全区 in a district's store, 全市 in a city's, and the
    district's own name in a city's store scoped to one district."""
    if not state.files("districts"):
        return vocab.DISTRICT
    if districts is None or len(districts) != 1:
        return vocab.CITY if districts is None else vocab.DISTRICT
    source = "cache.districts" if cached else f"({sql('stg_districts')})"
    row = con.execute(f"select district_name from {source} where district_code = ? "
                      "order by batch_seq desc limit 1", [districts[0]]).fetchone()
    return row[0] if row and row[0] else vocab.DISTRICT


def _memory_limit() -> str:
    """BOARD_DUCKDB_MEMORY (e.g. 1GB, 512MB) for a reading connection; 1GB when unset or malformed."""
    value = os.environ.get("BOARD_DUCKDB_MEMORY", "").strip()
    return value if re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", value, flags=re.I) else "1GB"


_DUCK = {pa.string(): "varchar", pa.int64(): "bigint", pa.float64(): "double", pa.date32(): "date",
         pa.bool_(): "boolean"}


def _raw_views(con, state: State) -> None:
    for name in DATASETS:
        files = [str(f) for f in state.files(name)]
        if files:
            rel = con.read_parquet(files, union_by_name=True)
            # batches written before a column existed (a town's district) read it as empty
            have = set(rel.columns)
            rel.project(", ".join(f'"{f.name}"' if f.name in have else f'null::{_DUCK[f.type]} as "{f.name}"'
                                  for f in arrow_schema(name))).create_view(f"raw_{name}")
        else:
            # an empty table, not a registered Arrow object: cursors cannot see registrations
            con.from_arrow(arrow_schema(name).empty_table()).create(f"raw_{name}")


def _materialised_sql(view: str) -> str:
    # hazards sorted by found_date: a period's cohort then lies in a few row groups that DuckDB's
    # zone maps find without scanning the rest of the ledger
    # grid events likewise by reported_date: a month of a 10M-event year is a twelfth of the row groups
    order = {"hazards": "found_date, town_code", "grid_events": "reported_date, grid_code"}.get(view)
    return f"select * from ({sql(view)}) order by {order}" if order else sql(view)


def _tag(*extra: str) -> str:
    # the tag changes with any view, macro or word the SQL reads, so a changed definition rebuilds
    text = [*(sql(name) for name, _, _ in objects()), repr(sorted(vocab.sql_words().items())), *extra]
    return hashlib.sha256("\n".join(text).encode()).hexdigest()[:12]


def spark_tables(state: State) -> Path:
    """Where `board build --engine spark` puts a version's materialised tables: one Parquet folder each."""
    variants = [f.read_text("utf-8") for f in sorted(QUERIES.rglob("*.spark.sql"))]
    return cache_folder(state.root) / f"v{state.seq:06d}-{_tag(*variants)}.spark"


def _attach_spark(con, folder: Path) -> None:
    """Views cache.<table> over the Spark-built Parquet, cast to the types DuckDB's own build gives, so that
    every query downstream sees the same values of the same types."""
    con.execute("create schema cache")
    for name in MATERIALISED:
        columns = duckdb_types()[name]
        cast = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns.items())  # our names and types
        files = sorted((folder / name).glob("*.parquet"))
        # a view cannot hold a bound parameter: the folder (ours, in the cache) as a quoted literal
        glob = str(folder / name / "*.parquet").replace("'", "''")
        source = f"read_parquet('{glob}')" if files else f"(select {', '.join(f'null as {c}' for c in columns)} where false)"
        con.execute(f"create view cache.{name} as select {cast} from {source}")


@lru_cache(maxsize=None)
def duckdb_types() -> dict[str, dict[str, str]]:
    """Every raw table, view and materialised table with its columns and DuckDB types, in column order."""
    con = duckdb.connect(config=CONFIG)
    _raw_views(con, State(Path("/nonexistent"), "real", 0))  # no batches: empty tables of the schema
    _bind_vocabulary(con)
    _create_objects(con, materialise=False, cached=False)
    names = [f"raw_{d}" for d in DATASETS] + [n for n, layer, _ in objects() if layer != "macros"]
    out = {n: {c: t for c, t, *_ in con.execute(f"describe {n}").fetchall()} for n in names}
    con.close()
    return out


def built(state: State) -> Path | None:
    """The version's built tables if a build is there (Spark's first, as connect reads them), else None."""
    if state.empty:
        return None
    spark = spark_tables(state)
    if spark.is_dir():
        return spark
    duck = cache_folder(state.root) / f"v{state.seq:06d}-{_tag()}.duckdb"
    return duck if duck.exists() else None


def _cache(state: State) -> Path | None:
    """The per-version DuckDB file of the materialised tables, built if missing (None if it cannot be)."""
    tag = _tag()
    folder = cache_folder(state.root)
    target = folder / f"v{state.seq:06d}-{tag}.duckdb"
    if target.exists():
        return target
    tmp = folder / f".v{state.seq:06d}-{tag}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # BOARD_DUCKDB_BUILD_MEMORY caps the build (DuckDB spills past it); unset, DuckDB takes 80% of RAM
        cap = os.environ.get("BOARD_DUCKDB_BUILD_MEMORY", "").strip()
        build = duckdb.connect(str(tmp), config=dict(CONFIG, **({"memory_limit": cap} if cap else {})))
        try:
            build.execute("set enable_progress_bar = false")  # the app's log and the CLI's output stay clean
            _raw_views(build, state)
            _bind_vocabulary(build)
            _create_objects(build, materialise=True, cached=False, temp_views=True)
            build.execute("checkpoint")
        finally:
            build.close()
        os.replace(tmp, target)  # concurrent builders each publish a whole file; the last one wins
        _prune(folder, keep=target)
        return target
    except (OSError, duckdb.Error):
        # a read-only store or a full disk: fall back to materialising in memory
        for f in (tmp, tmp.with_name(tmp.name + ".wal")):
            f.unlink(missing_ok=True)
        return None


def _prune(folder: Path, keep: Path, versions: int = 4) -> None:
    """Keep the newest few version files (an app process may still show an earlier version)."""
    files = sorted(folder.glob("v*.duckdb"))
    for f in files[:-versions]:
        if f != keep:
            f.unlink(missing_ok=True)  # an attached file stays readable until its last reader closes it
    # a builder killed mid-way leaves its temporary file; an hour is far longer than any build
    for f in folder.glob(".v*.tmp*"):
        try:
            if time.time() - f.stat().st_mtime > 3600:
                f.unlink()
        except FileNotFoundError:
            pass


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of a query file: a page query (queries/<name>.sql) or a view or macro of a layer."""
    for folder in ("", *LAYERS):
        path = QUERIES / folder / f"{name}.sql"
        if path.exists():
            return path.read_text("utf-8").strip().rstrip(";")
    raise FileNotFoundError(f"no query {name} in queries/")


@lru_cache(maxsize=None)
def parameters(name: str) -> frozenset[str]:
    body = re.sub(r"--[^\n]*", "", sql(name))
    return frozenset(re.findall(r"\$([A-Za-z_]\w*)", body))


def run(con: duckdb.DuckDBPyConnection, name: str, *, tables: dict[str, pa.Table] | None = None,
        **params) -> pd.DataFrame:
    """Run queries/<name>.sql with its $params bound; `tables` are registered under their names."""
    wanted = parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"query {name} needs {sorted(missing)}")
    cur = con.cursor()  # a cursor per call: the app shares one connection across threads
    try:
        for tname, table in (tables or {}).items():
            cur.register(tname, table)
        return cur.execute(sql(name), {k: v for k, v in params.items() if k in wanted}).df()
    finally:
        cur.close()
