"""Apache Spark builds a store version's materialised tables (db.MATERIALISED) as Parquet that db.connect reads.

The SQL files stay the source of truth. A view Spark can run as written is transpiled from its DuckDB file by
sqlglot, with the stars expanded against the DuckDB schema (DuckDB's `qualify` and `* exclude` become a
subquery with the columns named, never a stray `_w` column or a `* EXCEPT` Spark does not know). A file that
does not port (a table macro, ASOF JOIN, list functions) has a Spark variant beside it, `<name>.spark.sql`,
with its own `-- reads:` line; transpile() refuses such a file rather than pass the syntax through.
"""

from __future__ import annotations

import graphlib
import os
import re
import shutil
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from board import db, vocab
from board.schema import DATASETS, arrow_schema
from board.store import State

# `make test` installs requirements-spark.txt here, beside the venv's own packages rather than among them:
# pandera imports pyspark.pandas whenever pyspark is importable (about a second on every process start, and
# pyspark.pandas patches pandas), so only this module, which needs them, puts them on its path.
SPARK_LIB = Path(sys.prefix) / "spark"


def _spark_lib() -> None:
    if SPARK_LIB.is_dir() and str(SPARK_LIB) not in sys.path:
        sys.path.append(str(SPARK_LIB))

# DuckDB syntax sqlglot passes through (or turns into something else) without an error
NOT_PORTABLE = re.compile(r"\b(asof\s+join|macro|list_contains|regexp_split_to_array|len\s*\(|list_\w+\s*\(|"
                          r"unnest|struct_pack)", re.I)
KEEP_VERSIONS = 4


class NotPortable(ValueError):
    """A DuckDB file that needs a `.spark.sql` variant beside it."""


def session(master: str | None = None, memory: str | None = None, partitions: int = 8):
    """A Spark session: local[2] unless a master URL is given; offline and quiet (no UI, no packages).
    The driver's memory: `memory`, else BOARD_SPARK_MEMORY, else 1g (local mode runs in the driver)."""
    import warnings

    _spark_lib()
    from pyspark.sql import SparkSession

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # under spark-submit: its master and resources
    master = master or os.environ.get("BOARD_SPARK_MASTER") or (None if submitted else "local[2]")
    builder = SparkSession.builder.appName("pingan-board-build")
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # local mode: everything in this process's JVM, bound to 127.0.0.1, nothing looked up or served
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder
                   .config("spark.driver.memory", memory or os.environ.get("BOARD_SPARK_MEMORY") or "1g")
                   .config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1")
                   .config("spark.sql.shuffle.partitions", str(partitions)))
    builder = (builder
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.parquet.datetimeRebaseModeInRead", "CORRECTED")
               .config("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
               .config("spark.log.level", "ERROR"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# -- the SQL ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def objects() -> tuple[tuple[str, Path, tuple[str, ...]], ...]:
    """Every view Spark creates, as (name, file, what it reads), in dependency order: a layer file's Spark
    variant where there is one, else the DuckDB file; Spark-only files (ledger_now) included."""
    files: dict[str, Path] = {}
    for layer in db.LAYERS:
        for f in sorted((db.QUERIES / layer).glob("*.sql")):
            name = f.name.removesuffix(".spark.sql").removesuffix(".sql")
            if f.name.endswith(".spark.sql") or name not in files:
                files[name] = f
    declared = {}
    for name, f in files.items():
        line = next((ln for ln in f.read_text("utf-8").splitlines() if ln.startswith("-- reads:")), None)
        if line is None:
            raise ValueError(f"{f.name} has no '-- reads:' line")
        declared[name] = (f, tuple(r.strip() for r in line.split(":", 1)[1].split(",") if r.strip()))
    order = graphlib.TopologicalSorter()
    for name in sorted(declared):
        order.add(name, *(r for r in declared[name][1] if r in declared))
    return tuple((name, *declared[name]) for name in order.static_order())


def needed() -> list[tuple[str, Path]]:
    """The views the materialised tables read, directly or not, in dependency order."""
    by_name = {name: (f, reads) for name, f, reads in objects()}
    want, todo = set(), list(db.MATERIALISED)
    while todo:
        name = todo.pop()
        if name in by_name and name not in want:
            want.add(name)
            todo.extend(by_name[name][1])
    return [(name, f) for name, f, _ in objects() if name in want]


def spark_sql(name: str) -> str:
    """What Spark runs for a view: its `.spark.sql` variant, else its DuckDB file transpiled."""
    f = dict(needed())[name] if name in dict(needed()) else None
    if f is not None and f.name.endswith(".spark.sql"):
        return f.read_text("utf-8").strip().rstrip(";")
    return transpile(db.sql(name))


def transpile(duckdb_sql: str) -> str:
    """DuckDB SQL → Spark SQL by sqlglot, stars expanded against the DuckDB schema; refuses what does not port."""
    _spark_lib()
    import sqlglot
    from sqlglot.optimizer.qualify import qualify

    body = re.sub(r"--[^\n]*", "", duckdb_sql)
    bad = NOT_PORTABLE.search(body)
    if bad:
        raise NotPortable(f"'{bad.group(0)}' does not port to Spark: write a .spark.sql variant")
    tree = sqlglot.parse_one(body, read="duckdb")
    schema = {n: dict(cols) for n, cols in db.duckdb_types().items()}
    tree = qualify(tree, schema=schema, dialect="duckdb")
    return tree.sql(dialect="spark")


# -- the build ----------------------------------------------------------------------------------------------

_SPARK_TYPES = {pa.string(): "string", pa.large_string(): "string", pa.int64(): "bigint", pa.int32(): "int",
                pa.float64(): "double", pa.date32(): "date", pa.bool_(): "boolean"}


def _ddl(schema: pa.Schema) -> str:
    return ", ".join(f"`{f.name}` {_SPARK_TYPES[f.type]}" for f in schema)


def _raw_views(spark, state: State, store_url: str | None = None) -> None:
    """raw_<dataset> over the state's Parquet batches (under store_url when given), with the store's schema."""
    for name in DATASETS:
        ddl = _ddl(arrow_schema(name))
        files = ([f"{store_url.rstrip('/')}/{b.parquet}" for b in state.batches if b.dataset == name] if store_url
                 else [str(f) for f in state.files(name)])
        df = spark.read.schema(ddl).parquet(*files) if files else spark.createDataFrame([], ddl)
        df.createOrReplaceTempView(f"raw_{name}")


def _vocabulary(spark) -> None:
    """The one-row `vocabulary` view, from board/vocab.py (as db._bind_vocabulary binds it for DuckDB)."""
    words = vocab.sql_words()
    kinds = {str: "string", int: "int"}
    ddl = ", ".join(f"`{k}` {'array<' + kinds[type(v[0])] + '>' if isinstance(v, list) else kinds[type(v)]}"
                    for k, v in words.items())
    spark.createDataFrame([tuple(words.values())], ddl).createOrReplaceTempView("vocabulary")


def build(state: State, *, master: str | None = None, spark=None, store_url: str | None = None,
          out: str | None = None) -> Path | str:
    """Compute the version's materialised tables on Spark and publish them (folder rename) where db.connect
    looks for them; returns that folder. Rebuilds nothing that is already there.

    On a cluster the executors cannot read the app server's disk: store_url is the store's root as they see it
    (hdfs:///board/store, s3a://bucket/store: a copy of its batches/ folder), and out a folder on that storage
    to write the tables to; copy it to db.spark_tables(state) on the app server afterwards.
    """
    if state.empty:
        raise ValueError("仓库中还没有数据，无需构建")
    target = db.spark_tables(state)
    if out is None and target.is_dir():
        return target
    spark = spark or session(master)
    if out is not None:
        _compute(spark, state, out.rstrip("/"), store_url)
        return out
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder))
    try:
        _compute(spark, state, str(tmp), store_url)
        for f in tmp.rglob("*"):
            if f.name.startswith((".", "_")) and f.is_file():
                f.unlink()  # Spark's _SUCCESS and .crc files: the rename below is the commit
        tmp.chmod(0o755)  # mkdtemp's 0700: readable like the DuckDB cache files beside it
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(folder, keep=target)
    return target


def _compute(spark, state: State, out: str, store_url: str | None) -> None:
    _raw_views(spark, state, store_url)
    _vocabulary(spark)
    for name, _ in needed():
        spark.sql(spark_sql(name)).createOrReplaceTempView(name)
        if name in db.BUILD_ONLY:
            spark.table(name).persist()  # read by two of the tables below: the dedupe runs once
        if name in db.MATERIALISED:
            df = spark.table(name)
            if name == "hazards":
                # sorted by found_date as db._materialised_sql sorts DuckDB's: a period's cohort then lies
                # in a few row groups that DuckDB's Parquet reader finds from their statistics
                df = df.orderBy("found_date", "town_code")
            df.write.parquet(f"{out}/{name}")
            # later views read what was written, not the plan again (the dedupe runs once)
            spark.read.parquet(f"{out}/{name}").createOrReplaceTempView(name)


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest few Spark builds, as db keeps the newest few cache files."""
    builds = sorted(p for p in folder.glob("v*.spark") if p.is_dir())
    for p in builds[:-KEEP_VERSIONS]:
        if p != keep:
            shutil.rmtree(p, ignore_errors=True)
    for p in folder.glob(".v*.spark.*.tmp"):
        try:
            if time.time() - p.stat().st_mtime > 3600:
                shutil.rmtree(p, ignore_errors=True)
        except FileNotFoundError:
            pass
