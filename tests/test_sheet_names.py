"""Downloads with any town name: the sheet name is one Excel accepts, whatever the town is called."""

import io

import openpyxl
import pandas as pd
import pytest

from render.export import sheet_name, to_xlsx_book, to_xlsx_bytes

NAMES = ["东湖[新]街道", "a:b*c?d/e\\f", "x" * 30 + "'", "'" * 40, "", "云溪镇" * 12, "新区'" + "长" * 26 + "'镇"]


@pytest.mark.parametrize("name", NAMES)
def test_any_town_name_makes_a_workbook_excel_opens(name):
    df = pd.DataFrame({"镇街": [name], "整改率": [0.5]})
    for data in (to_xlsx_bytes(df, sheet=name), to_xlsx_book({name: df, name + "台账": df})):
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for title in wb.sheetnames:
            assert 1 <= len(title) <= 31 and not set(title) & set("[]:*?/\\")
            assert not title.startswith("'") and not title.endswith("'")
        assert wb.worksheets[0]["A2"].value == (name or None)        # the cell keeps the real name


def test_two_names_equal_after_cleaning_get_two_sheets():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_book({"a[1]": pd.DataFrame({"x": [1]}),
                                                        "A:1]": pd.DataFrame({"x": [2]})})))
    assert len(wb.sheetnames) == 2 and len({s.lower() for s in wb.sheetnames}) == 2
    assert sheet_name("") == "数据"
