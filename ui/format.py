"""How figures read on screen: rates as percentages with two decimals, empty as —, counts exact."""

import math


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
