"""The meeting screen's URL parameters (?mode=meeting&every=…&slides=…&scale=…), read into what the
slides need; anything malformed falls back to the default."""

from __future__ import annotations

import math

from board import metrics
from render.format import md
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


def period(text: str | None) -> metrics.Period | None:
    """`&period=2026-10` as a period; None when missing or not a period the board can show."""
    try:
        return metrics.parse_period(text) if text else None
    except ValueError:
        return None


def notices(query, t=lambda text: text) -> list[str]:
    """What the screen could not use from its URL, in the viewer's language (`t`), with what it shows instead."""
    out = []
    if query.get("period") and period(query.get("period")) is None:
        out.append(t("参数 period={value} 无法识别（应为 2026-10、2026-Q3 等，年份 1990–2100），改为显示最近一个有数据的月份")
                   .format(value=_shown(query.get("period"))))
    if query.get("scale") is not None and scale(query.get("scale")) == 1.0 and _not_one(query.get("scale")):
        out.append(t("参数 scale={value} 无法识别（应为 0.5 到 3 之间的数字），按 1 倍显示")
                   .format(value=_shown(query.get("scale"))))
    if query.get("every") is not None and seconds(query.get("every"), default=-1) == -1:
        out.append(t("参数 every={value} 无法识别（应为秒数），改为每 20 秒换一页").format(value=_shown(query.get("every"))))
    return out


def _shown(value) -> str:
    """A URL parameter as the screen repeats it: short, and literal in markdown (a link or image there would be
    drawn and fetched)."""
    return md(str(value)[:20])


def _not_one(text) -> bool:
    try:
        return float(text) != 1
    except (TypeError, ValueError):
        return True
