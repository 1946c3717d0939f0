"""DuckDB over the store: connect(state) builds the views, run(con, name, ...) binds $params.

SQL lives in queries/ (one statement per file, file name = query name). View
files cannot take parameters, so they read from plainly named sources
(raw_<dataset>) that connect() registers over the state's Parquet batches.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from board import ROOT
from board.schema import DATASETS, arrow_schema
from board.store import State

QUERIES = ROOT / "queries"
# Offline (DESIGN §5): never fetch an extension at run time.
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# Views in dependency order: stg_* rename and cast, the rest keep the latest row per key.
VIEWS = ("stg_towns", "stg_hazards", "stg_inspections", "stg_indicators",
         "towns", "hazards", "hazard_recurrence", "inspections", "indicators")
MATERIALISED = ("towns", "hazards", "hazard_recurrence", "inspections", "indicators")


def connect(state: State, *, materialise: bool = False, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose views show the store as of `state`.

    With materialise, the current tables are computed once (for a long-lived app
    connection); without, every query reads the Parquet batches directly.
    """
    con = duckdb.connect(config=dict(CONFIG, **({"threads": threads} if threads else {})))
    for name in DATASETS:
        files = [str(f) for f in state.files(name)]
        if files:
            con.read_parquet(files, union_by_name=True).create_view(f"raw_{name}")
        else:
            # an empty table, not a registered Arrow object: cursors cannot see registrations
            con.from_arrow(arrow_schema(name).empty_table()).create(f"raw_{name}")
    for view in VIEWS:
        kind = "table" if materialise and view in MATERIALISED else "view"
        con.execute(f"create {kind} {view} as {sql(view)}")  # names are our own file names, not data
    for macro in sorted((QUERIES / "macros").glob("*.sql")):
        con.execute(macro.read_text("utf-8"))
    return con


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of a query file (views live in queries/views)."""
    path = QUERIES / f"{name}.sql"
    if not path.exists():
        path = QUERIES / "views" / f"{name}.sql"
    return path.read_text("utf-8").strip().rstrip(";")


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
