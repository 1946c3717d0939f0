"""How figures read on screen: rates as percentages with two decimals, empty as —, counts exact."""

import math
import re

from board import vocab


def rate(v) -> str:
    """0.99554 → '99.55%'; an empty rate (no denominator) → '—'."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("<NA>", "nan"):
        return "—"
    return f"{float(v) * 100:.2f}%"


def count(v) -> str:
    """12345 → '12,345'; empty → '—'."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("<NA>", "nan"):
        return "—"
    return f"{int(v):,}"


def number(v, digits: int = 2) -> str:
    """A measured value (index, per-10k rate) with fixed decimals; empty → '—'."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("<NA>", "nan"):
        return "—"
    return f"{float(v):,.{digits}f}"


def delta(v, kind: str, points: str = "个百分点") -> str | None:
    """The change against the previous period: rates in percentage points (+1.23 个百分点), counts exact."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if kind == "rate":
        return f"{float(v) * 100:+.2f} {points}"
    if kind == "count":
        return f"{int(round(float(v))):+,}"
    return f"{float(v):+,.2f}"


def signed_rate(v) -> str:
    """A relative change with its sign: 0.0476 → '+4.76%'; empty → '—'."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("<NA>", "nan"):
        return "—"
    return f"{float(v) * 100:+.2f}%"


TIERS = vocab.TIERS
ESCALATIONS = vocab.ESCALATION_LEVELS


def change(v) -> str:
    """A rank change: ▲3 up three places, ▼2 down two, — unchanged or no earlier rank."""
    if v is None or str(v) in ("<NA>", "nan") or int(v) == 0:
        return "—"
    return f"▲{int(v)}" if v > 0 else f"▼{-int(v)}"


def table(df, spec, t=lambda s: s):
    """A table as shown: the columns of spec [(column, label, kind)], labelled and formatted.

    Rates become text (99.55%, —); counts stay whole numbers so that the table sorts by them.
    """
    import pandas as pd

    out = {}
    for col, label, kind in spec:
        s = df[col]
        if kind == "rate":
            s = s.map(rate)
        elif kind == "number":
            s = s.map(number)
        elif kind == "count":
            s = pd.to_numeric(s, errors="coerce").round().astype("Int64")
        elif kind == "change":
            s = s.map(change)
        elif kind == "tier":
            s = s.map(lambda v: t(TIERS.get(v, "—")) if isinstance(v, str) else "—")
        elif kind == "escalation":
            s = s.map(lambda v: t(ESCALATIONS.get(int(v), "—")) if pd.notna(v) else t("无"))
        elif kind == "date":
            s = s.map(lambda v: "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d"))
        elif kind == "translate":
            s = s.map(lambda v: t(v) if isinstance(v, str) else "")
        else:
            s = s.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
        out[t(label)] = s.reset_index(drop=True)
    return pd.DataFrame(out)


def rank_delta(v, unit: str = "位") -> str | None:
    """A rank change for st.metric: +9 位 (moved up nine places; shown green), -7 位, none when no change."""
    if v is None or str(v) in ("<NA>", "nan") or int(v) == 0:
        return None
    return f"{int(v):+d} {unit}"


def md(text) -> str:
    """Text from data made literal inside markdown (labels, captions): no links, images or styling."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~$:" else c for c in str(text))


_COLOUR = re.compile(r"#[0-9a-fA-F]{6}|rgba?\(\s*\d{1,3}(\s*,\s*\d{1,3}){2}(\s*,\s*[0-9.]+)?\s*\)")


def colour(c: str, fallback: str = "#888888") -> str:
    """A CSS colour put into HTML: only #rrggbb or rgb(…)/rgba(…) pass, so that nothing but a colour can ever
    reach a style attribute (our colours are our own; this keeps it so if one is ever taken from data)."""
    return c if isinstance(c, str) and _COLOUR.fullmatch(c.strip()) else fallback
