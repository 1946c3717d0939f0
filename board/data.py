"""The Streamlit seam: one cached connection per store version, cached query results.

Every cache key carries the store's path and manifest seq, so a newly committed
batch (or a rollback) shows on the next rerun without restarting anything.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from board import db, definitions as defs, metrics
from board.store import State, Store, default_path


def store() -> Store:
    """The store the board shows: BOARD_STORE or data/store, else the demo district."""
    real = Store(default_path())
    if not real.state().empty:
        return real
    return Store(_demo_path())


@st.cache_resource(show_spinner="正在生成示例区县（首次启动约需半分钟）…")
def _demo_path() -> str:
    from board import demo_store
    return str(demo_store.ensure())


def state() -> State:
    """The store as of the batch chosen in 批次记录 (session), else now."""
    s = store()
    return s.state(st.session_state.get("as_of_seq"))


def _key(st_: State) -> tuple[str, int]:
    return str(st_.root), st_.seq


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(root: str, seq: int):
    return db.connect(Store(root).state(seq), materialise=True)


def connection():
    return _connection(*_key(state()))


@st.cache_data(max_entries=1024, show_spinner=False)
def _query(root: str, seq: int, name: str, params: tuple) -> pd.DataFrame:
    return db.run(_connection(root, seq), name, **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql for the shown store state, cached per version and parameters."""
    return _query(*_key(state()), name, tuple(sorted(params.items())))


@st.cache_data(max_entries=64, show_spinner=False)
def _definitions(root: str, seq: int) -> dict:
    s = Store(root)
    return defs.load(s, s.state(seq))


def definitions() -> dict:
    return _definitions(*_key(state()))


@st.cache_data(max_entries=64, show_spinner=False)
def _as_of(root: str, seq: int) -> date | None:
    return metrics.default_as_of(_connection(root, seq))


def as_of() -> date | None:
    """The ledger's own now (DESIGN §3)."""
    return _as_of(*_key(state()))


@st.cache_data(max_entries=256, show_spinner=False)
def _league(root: str, seq: int, period_code: str, as_of_: date, weights: tuple | None):
    d = _definitions(root, seq)
    if weights:
        d = dict(d, components=[dict(c, weight=dict(weights).get(c["code"], c["weight"]))
                                for c in d["components"]])
    return metrics.league(_connection(root, seq), metrics.parse_period(period_code), as_of_, d)


def league(period: metrics.Period, weights: dict | None = None):
    """(towns, components, district) for the period as of the ledger's now; weights override for what-if."""
    return _league(*_key(state()), period.code, as_of(), tuple(sorted(weights.items())) if weights else None)


def ledger(period: metrics.Period) -> pd.DataFrame:
    return query("ledger_metrics", start=period.start, end=period.end, as_of=as_of())


def periods(kind: str) -> list[metrics.Period]:
    """Every period of this kind that has hazards, newest first."""
    months = query("ledger_months")
    seen = []
    for m in months["month"]:
        p = metrics.period_of(pd.Timestamp(m).date(), kind)
        if p not in seen:
            seen.append(p)
    return seen


def is_demo() -> bool:
    return state().is_demo
