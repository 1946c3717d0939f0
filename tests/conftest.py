"""Shared fixtures: tiny stores built from hand-made rows."""

import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from board.schema import arrow_schema  # noqa: E402
from board.store import Store  # noqa: E402


def table(dataset: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts of canonical columns) as a batch table; missing columns are empty."""
    schema = arrow_schema(dataset)
    schema = schema.remove(schema.get_field_index("batch_seq"))
    cols = {}
    for f in schema:
        if f.name == "source_row":
            cols[f.name] = pa.array(range(2, len(rows) + 2), pa.int64())
        else:
            cols[f.name] = pa.array([r.get(f.name) for r in rows], f.type)
    return pa.table(cols, schema=schema)


def commit(store: Store, dataset: str, rows: list[dict], name: str | None = None) -> str:
    """Commit rows straight into the store (bypassing file parsing) and return the batch id."""
    body = f"{name}\n{rows!r}".encode()  # a different file name stands for a different upload
    return store.commit(dataset, table(dataset, rows), name or f"{dataset}.csv", body, "tester").batch_id


d = date.fromisoformat


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


def page_path(name: str) -> str:
    """A page's file relative to app.py (pages/<audience>/<name>.py), as st.switch_page takes it."""
    found = sorted((ROOT / "pages").glob(f"*/{name}.py"))
    assert len(found) == 1, f"page {name}: {found}"
    return str(found[0].relative_to(ROOT))
