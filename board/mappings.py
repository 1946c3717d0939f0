"""Column mappings the analyst chose, remembered per export source (its header signature) for next month.

Kept in STORE/mappings.json: {signature: {"dataset", "mapping", "values", "headers", "user", "time"}};
"values" is the analyst's value mapping (canonical column → {value as written → value the board knows}).
The file sits beside the manifest but is not part of any batch: it changes no figure.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pandas as pd

from board import definitions as defs
from board.errors import Rejected
from board.ingest import map_columns
from board.parse import normalise_key
from board.readers import read_table
from board.schema import DATASETS
from board.store import Store, _now, _write_bytes

FILE = "mappings.json"


def signature(headers: list[str]) -> str:
    """The same export source gives the same signature whatever its column order or spacing."""
    keys = sorted(normalise_key(h) for h in headers)
    return hashlib.sha256("\x1f".join(keys).encode("utf-8")).hexdigest()


def load_all(store: Store) -> dict:
    try:
        return json.loads((store.path / FILE).read_text("utf-8"))
    except FileNotFoundError:
        return {}


def load(store: Store, headers: list[str]) -> dict | None:
    """{"dataset", "mapping": {canonical: header}} remembered for files with these headers, if any."""
    entry = load_all(store).get(signature(headers))
    if not entry or not all(h in headers for h in entry["mapping"].values()):
        return None
    return entry


def save(store: Store, headers: list[str], dataset: str, mapping: dict[str, str], user: str,
         values: dict[str, dict[str, str]] | None = None) -> None:
    """Remember the column (and value) mapping for this export source (replacing an earlier one)."""
    if not user:
        raise PermissionError("保存列对应关系需要分析员身份")
    with store.locked():  # two analysts saving at once must not lose one of the mappings
        all_ = load_all(store)
        all_[signature(headers)] = {"dataset": dataset, "mapping": dict(mapping), "values": dict(values or {}),
                                    "headers": [str(h) for h in headers], "user": user, "time": _now()}
        _write_bytes(store.path / FILE, json.dumps(all_, ensure_ascii=False, indent=1).encode())


# -- what the upload page needs before the analyst has chosen anything ------------------


def headers_hints(definitions: dict) -> set[str]:
    """Every known alias and indicator name: how ingest finds the header row under a title."""
    hints = {a for d in DATASETS.values() for c in d.columns for a in c.aliases}
    return hints | {i["name"] for i in defs.indicators(definitions)}


def preview(data: bytes, filename: str, definitions: dict, rows: int = 10,
            sheet: str | None = None) -> tuple[list[str], pd.DataFrame, list[str], str | None, list[str]]:
    """(headers, the first rows as text, reader notices, the sheet read, every sheet); Rejected when unreadable."""
    raw = read_table(data, filename, headers_hints(definitions), sheet=sheet)
    head = raw.frame.head(rows).astype("string").fillna("")
    head.index = pd.Index(raw.rows[:rows], name="行")  # the row numbers the analyst sees in Excel
    return [str(h) for h in raw.frame.columns], head, list(raw.notices), raw.sheet, list(raw.sheets)


def targets(dataset: str, definitions: dict) -> list[tuple[str, str, bool]]:
    """(canonical name, Chinese label, required) of every column an analyst can map a header to."""
    ds = DATASETS[dataset]
    out = [(c.name, c.label, c.required) for c in ds.columns]
    if dataset == "indicators":
        out += [(i["code"], i["name"], False) for i in defs.indicators(definitions)]
    return out


def suggest(dataset: str, headers: list[str], remembered: dict[str, str], definitions: dict,
            likely: dict[str, str] | None = None) -> dict[str, str]:
    """canonical → header: the remembered choices, then the core's alias rules (required columns may stay unmatched).

    likely, when given, receives the resembling headers (rapidfuzz) the page pre-selects for the analyst to confirm;
    they are also in the result.
    """
    ds = DATASETS[dataset]
    relaxed = replace(ds, columns=tuple(replace(c, required=False) for c in ds.columns))
    known = {k: v for k, v in remembered.items() if v in headers}
    fuzzy: dict[str, str] = {}
    try:
        result = map_columns(relaxed, headers, known, definitions, "", suggested=fuzzy)
    except Rejected:
        fuzzy = {}
        result = map_columns(relaxed, headers, {}, definitions, "", suggested=fuzzy)
    for name, header in fuzzy.items():
        if name not in result and header not in result.values():
            result[name] = header
            if likely is not None:
                likely[name] = header
    if dataset == "indicators":
        by_key = {normalise_key(h): h for h in headers}
        for i in defs.indicators(definitions):
            header = known.get(i["code"]) or by_key.get(normalise_key(i["name"])) or by_key.get(normalise_key(i["code"]))
            if header:
                result[i["code"]] = header
    return result


def value_choices(column: str) -> list[str]:
    """The values the board knows for a column with a vocabulary (what an unknown value may be mapped to)."""
    from board.schema import vocabulary

    v = vocabulary()
    if column == "severity":
        return list(v["severity"])
    if column == "escalation":
        return ["0", "1", "2", "3"]
    return list(v["yes_no"])
