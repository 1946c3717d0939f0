"""The meeting screen's URL parameters (?mode=meeting&every=…&slides=…&scale=…), read into what the
slides need; anything malformed falls back to the default."""

from __future__ import annotations

import math

from render.meeting_charts import SLIDES


def slide_names(text: str | None) -> list[str]:
    """`overview,league,map` → the known slide names in that order (the full sequence when empty)."""
    names = [n.strip() for n in (text or "").split(",") if n.strip() in SLIDES]
    return names or list(SLIDES)


def seconds(text: str | None, default: float = 20, least: float = 3) -> float:
    """The rotation interval from `&every=`: a number of seconds, never below `least`."""
    try:
        v = float(text)
    except (TypeError, ValueError):
        return default
    return max(v, least) if math.isfinite(v) else default


def scale(text: str | None) -> float:
    """`&scale=2` for a 4K screen: between 0.5 and 3, 1 when missing or not a finite number."""
    try:
        v = float(text if text is not None else 1)
    except (TypeError, ValueError):
        return 1.0
    return min(max(v, 0.5), 3.0) if math.isfinite(v) else 1.0
