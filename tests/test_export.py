"""Exports never let a spreadsheet run a formula from data."""

import io

import openpyxl
import pandas as pd

from render.export import neutralise, to_csv_bytes, to_xlsx_bytes

NASTY = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "正常文本", "<img src=x onerror=alert(1)>"]


def test_neutralise_prefixes_formula_starts_only():
    assert [neutralise(v) for v in NASTY[:6]] == ["'" + v for v in NASTY[:6]]
    assert neutralise("正常文本") == "正常文本" and neutralise(-5) == -5 and neutralise(1.5) == 1.5


def test_xlsx_cells_are_text_not_formulas():
    df = pd.DataFrame({"描述": NASTY, "数量": range(len(NASTY))})
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    values = [ws.cell(row=i + 2, column=1).value for i in range(len(NASTY))]
    assert values[0] == "'=HYPERLINK(\"http://x\",\"y\")" and ws.cell(row=2, column=1).data_type == "s"
    assert [ws.cell(row=i + 2, column=2).value for i in range(3)] == [0, 1, 2]   # numbers untouched
    assert ws.freeze_panes == "A2"


def test_csv_has_bom_and_neutralised_cells():
    data = to_csv_bytes(pd.DataFrame({"描述": NASTY[:2]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
