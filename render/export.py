"""Tables out of the board as CSV or XLSX, with spreadsheet formulas neutralised."""

from __future__ import annotations

import io
import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; numbers untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so that Excel on a Chinese Windows opens it without mojibake."""
    return safe_frame(df).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "数据") -> bytes:
    """One sheet, header frozen, columns sized to their content; text is never read as a formula."""
    buf = io.BytesIO()
    frame = safe_frame(df)
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        name = sheet_name(sheet)
        frame.to_excel(xw, sheet_name=name, index=False)
        ws = xw.sheets[name]
        ws.freeze_panes(1, 0)
        for i, c in enumerate(frame.columns):
            width = max([len(str(c))] + [len(str(v)) for v in frame[c].head(500)]) + 2
            ws.set_column(i, i, min(max(width * 1.2, 8), 60))
    return buf.getvalue()


def to_xlsx_book(sheets: dict[str, pd.DataFrame], percent: tuple[str, ...] = ()) -> bytes:
    """A workbook with one sheet per table: header frozen, CJK-aware column widths, formulas neutralised;
    columns named in `percent` hold fractions and show as 99.24% (the cell keeps the exact value)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        pct = xw.book.add_format({"num_format": "0.00%"})
        used: set[str] = set()
        for sheet, df in sheets.items():
            name = sheet_name(sheet, used)
            frame = safe_frame(df)
            frame.to_excel(xw, sheet_name=name, index=False)
            ws = xw.sheets[name]
            ws.freeze_panes(1, 0)
            for i, c in enumerate(frame.columns):
                # CJK characters are about twice as wide as Latin ones
                width = max([_width(c)] + [_width(v) for v in frame[c].head(500)]) + 2
                ws.set_column(i, i, min(max(width * 1.1, 8), 60), pct if c in percent else None)
    return buf.getvalue()


def sheet_name(name: str, used: set[str] | None = None) -> str:
    """A name Excel accepts for a sheet: none of []:*?/\\, no apostrophe at either end, 1–31 characters, and
    (with `used`, the names taken so far, compared as Excel does without case) not taken twice."""
    clean = re.sub(r"[\[\]:*?/\\\x00-\x1f]", "_", str(name)).strip()
    clean = clean[:31].strip("'").strip() or "数据"
    if used is not None:
        base, n = clean, 2
        while clean.lower() in used:
            suffix = f"({n})"
            clean, n = base[: 31 - len(suffix)].rstrip("'") + suffix, n + 1
        used.add(clean.lower())
    return clean


def _width(v) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v))
