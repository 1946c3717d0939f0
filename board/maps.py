"""What the hazard map draws: every hazard as a point up to MAP_POINTS, else exact counts per grid cell.

Shared by the pages (through board/data.py's cached queries) and the benchmark, so both measure the same
work. `run(name, **params)` runs a query file: db.run bound to a connection, or data.query.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import pandas as pd

# Above this many hazards the map gets grid cells instead of points: one row per hazard costs more to
# build and send than a screen can show (a year of 1M hazards is 292k rows, 0.7 s; its cells take 0.03 s).
MAP_POINTS = 20_000
# the grid cell the pages draw, in degrees (about 500 m); derived/map_cells_rollup is kept at this size
CELL = 0.005
# filter name (a column of hazard_tally) → the list parameter of queries/macros/map_hazards.sql
FILTERS = {"town_code": "towns", "status": "statuses", "severity": "severities", "category": "categories",
           "source": "sources"}


def filter_rows(frame: pd.DataFrame, **chosen) -> pd.DataFrame:
    """Keep the rows whose column is among the chosen values (column=[values]); an empty choice keeps all."""
    keep = pd.Series(True, index=frame.index)
    for column, values in chosen.items():
        if values:
            keep &= frame[column].isin(list(values))
    return frame[keep]


def tally(run: Callable[..., pd.DataFrame], start: date, end: date, as_of: date, now: bool = False) -> pd.DataFrame:
    """hazard_tally for the period as of D; `now` (metrics.rollup_applies: D is the ledger's own now and the
    period whole months) sums it from derived/map_tally_rollup instead of counting the period's hazards."""
    if now:
        return run("hazard_tally_now", start=start, end=end)
    return run("hazard_tally", start=start, end=end, as_of=as_of)


def draw(run: Callable[..., pd.DataFrame], tally: pd.DataFrame, start: date, end: date, as_of: date, *,
         cell: float = CELL, now: bool = False, **chosen) -> tuple[str, pd.DataFrame]:
    """("points", one row per hazard) when the chosen hazards of the tally are at most MAP_POINTS, else
    ("cells", one row per grid cell of `cell` degrees and status). Filters are column=[values]. `now` as for
    tally(): the unfiltered cells at CELL are then summed from derived/map_cells_rollup."""
    unknown = chosen.keys() - FILTERS.keys()
    if unknown:
        raise TypeError(f"unknown map filters {sorted(unknown)}")
    lists = {param: sorted(chosen.get(name) or ()) for name, param in FILTERS.items()}
    dates = dict(start=start, end=end, as_of=as_of)
    if int(filter_rows(tally, **chosen)["hazards"].sum()) <= MAP_POINTS:
        return "points", run("hazard_points", **dates, **lists, limit=MAP_POINTS)
    if now and cell == CELL and not any(lists.values()):
        return "cells", run("hazard_cells_now", start=start, end=end)
    return "cells", run("hazard_cells", **dates, **lists, cell=cell)
