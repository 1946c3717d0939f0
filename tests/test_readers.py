"""Reading uploaded bytes: encodings, delimiters, title and totals rows, Excel, Parquet, and refusals."""

import datetime as dt
import io
import random
import time
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from board.errors import Rejected
from board.readers import read_table

HINTS = ["编号", "镇街", "发现日期"]


def read(content, name="台账.csv", hints=HINTS):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return read_table(data, name, hints)


def reason(content, name="台账.csv"):
    with pytest.raises(Rejected) as caught:
        read(content, name)
    return caught.value.problems[0]


def xlsx(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- CSV


def test_values_stay_text_exactly():
    table = read("编号,镇街,数量\n001,东湖街道, 1.50 \n002,,0\n")
    assert table.format == "csv" and table.encoding == "utf-8" and table.header_row == 1
    assert table.frame.columns.tolist() == ["编号", "镇街", "数量"]
    assert table.frame.values.tolist() == [["001", "东湖街道", " 1.50 "], ["002", "", "0"]]
    assert table.rows.tolist() == [2, 3] and table.notices == []


def test_gbk_bytes_are_read_as_gb18030():
    table = read("编号,镇街\n1,东湖街道\n".encode("gbk"))
    assert table.encoding == "gb18030" and table.frame["镇街"].tolist() == ["东湖街道"]


def test_gb18030_only_characters_are_read():
    table = read("编号,镇街\n1,䶮镇\n".encode("gb18030"))
    assert table.encoding == "gb18030" and table.frame["镇街"].tolist() == ["䶮镇"]


def test_utf8_bom_is_removed_from_the_first_header():
    table = read("\ufeff编号,镇街\n1,东湖\n".encode("utf-8"))
    assert table.encoding == "utf-8-sig" and table.frame.columns.tolist() == ["编号", "镇街"]


def test_utf16_unicode_text_export_is_read():
    table = read("编号\t镇街\n1\t东湖\n".encode("utf-16"))
    assert table.encoding == "utf-16" and table.frame.values.tolist() == [["1", "东湖"]]


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_other_delimiters_are_sniffed(delimiter):
    table = read(delimiter.join(["编号", "镇街", "金额"]) + "\n" + delimiter.join(["1", "东湖", "1,234"]) + "\n")
    assert table.frame.values.tolist() == [["1", "东湖", "1,234"]]


def test_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers():
    # 1 title · 2 blank · 3 header · 4 data · 5 blank · 6 data
    table = read("2022年3月隐患台账\n\n编号,镇街,发现日期\n001,东湖,2022-03-05\n\n002,西湖,2022/3/5\n")
    assert table.header_row == 3
    assert table.rows.tolist() == [4, 6]
    assert table.frame["编号"].tolist() == ["001", "002"]
    assert table.notices == ["已跳过表头上方的标题行（第 1 行：2022年3月隐患台账）"]


def test_header_hints_find_the_header_below_a_two_cell_preamble():
    table = read("填报单位：平安办,填报日期：2022-03-31\n编号,镇街,发现日期\n1,东湖,2022-03-05\n")
    assert table.header_row == 2 and table.frame.columns.tolist() == ["编号", "镇街", "发现日期"]


def test_without_hints_the_first_row_with_two_cells_is_the_header():
    table = read("报表\n甲,乙\n1,2\n", hints=())
    assert table.header_row == 2 and table.frame.columns.tolist() == ["甲", "乙"]


def test_trailing_total_row_is_dropped_with_a_notice():
    table = read("编号,镇街,数量\n1,东湖,3\n2,西湖,4\n合 计,,7\n\n")
    assert table.rows.tolist() == [2, 3]
    assert table.notices == ["已去掉末尾的合计行（第 4 行：合 计）"]


@pytest.mark.parametrize("label", ["合计", "总计", "小计", "全区合计", "合计：", "Total"])
def test_total_row_spellings(label):
    table = read(f"序号,镇街,数量\n1,东湖,3\n,{label},3\n")
    assert table.rows.tolist() == [2] and "合计行" in table.notices[0]


def test_total_row_directly_under_the_header_is_dropped():
    table = read("镇街,数量\n全区合计,7\n东湖,3\n西湖,4\n")
    assert table.rows.tolist() == [3, 4] and table.notices == ["已去掉表头下方的合计行（第 2 行：全区合计）"]


def test_trailing_note_line_is_dropped_with_a_notice():
    table = read("编号,镇街\n1,东湖\n注：数据截至3月31日,\n制表人：张三,\n")
    assert table.rows.tolist() == [2]
    assert table.notices == ["已去掉末尾的说明行（第 3 行：注：数据截至3月31日）",
                             "已去掉末尾的说明行（第 4 行：制表人：张三）"]


def test_fully_empty_rows_inside_the_data_are_dropped_with_a_notice():
    table = read("编号,镇街\n1,东湖\n,\n , \n2,西湖\n")
    assert table.rows.tolist() == [2, 5] and table.notices == ["已跳过数据中间的空行（第 3–4 行）"]


def test_duplicate_and_blank_headers_get_names():
    table = read("编号,编号,,镇街\n1,2,3,东湖\n")
    assert table.frame.columns.tolist() == ["编号", "编号 (2)", "第3列", "镇街"]
    assert any("编号 (2)" in n for n in table.notices) and any("第3列" in n for n in table.notices)


def test_trailing_delimiters_make_no_extra_column():
    table = read("编号,镇街,\n1,东湖,\n2,西湖,,\n")
    assert table.frame.columns.tolist() == ["编号", "镇街"] and len(table.frame) == 2


def test_short_rows_are_padded_with_a_notice():
    table = read("编号,镇街,数量\n1,东湖,3\n2,西湖\n3,南山,5\n")
    assert table.frame.values.tolist()[1] == ["2", "西湖", ""]
    assert table.rows.tolist() == [2, 3, 4]
    assert table.notices == ["第 3 行的值比表头少，缺少的单元格按空值处理"]


def test_a_row_with_extra_values_is_rejected_with_its_row_number():
    problem = reason("编号,镇街,数量\n1,东湖,3\n2,西湖,1,234\n")
    assert problem.row == 3 and "表头只有 3 列" in problem.reason


def test_quoted_line_breaks_stay_in_one_cell_and_rows_follow_excel():
    # Excel shows the multi-line cell as one row: 2 record · 3 blank · 4 record
    table = read('编号,描述\n1,"楼道\n堆物"\n\n2,"a,b"\n')
    assert table.frame["描述"].tolist() == ["楼道\n堆物", "a,b"]
    assert table.rows.tolist() == [2, 4]


def test_an_unclosed_quote_is_rejected():
    problem = reason('编号,描述\n1,"楼道堆物\n2,x\n3,y\n')
    assert problem.row == 2 and "引号" in problem.reason


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(newline):
    table = read(newline.join(["编号,镇街", "1,东湖", "", "2,西湖", ""]))
    assert table.frame["编号"].tolist() == ["1", "2"] and table.rows.tolist() == [2, 4]


def test_csv_named_xls_is_read_as_csv_with_a_notice():
    table = read("编号,镇街\n1,东湖\n", name="导出.xls")
    assert table.format == "csv" and "已按 CSV 读取" in table.notices[0]


def test_html_saved_as_xls_is_rejected_with_advice():
    problem = reason("<html><body><table><tr><td>编号</td></tr></table></body></html>", name="导出.xls")
    assert "HTML" in problem.reason


# ---------------------------------------------------------------- Excel


def ledger_sheet(workbook):
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append(["2022年3月隐患台账"])  # row 1
    sheet.merge_cells("A1:E1")
    sheet.append([])  # row 2
    sheet.append(["编号", "镇街", "发现日期", "整改率", "数量"])  # row 3
    sheet.append(["001", "东湖街道", dt.date(2022, 3, 5), 0.962, 44625.0])  # row 4
    sheet.append(["002", "西湖镇", dt.datetime(2022, 3, 6, 14, 30), 96.2 / 100, 3])  # row 5
    sheet.append([])  # row 6
    sheet.append(["003", "南山园区", "2022/3/7", 0.5, 1.5])  # row 7
    sheet.append(["合计", None, None, None, 6])  # row 8


def test_xlsx_title_and_total_rows_read_back_with_excel_row_numbers():
    table = read(xlsx(ledger_sheet), name="台账.xlsx")
    assert table.format == "xlsx" and table.encoding is None and table.header_row == 3
    assert table.rows.tolist() == [4, 5, 7]
    assert table.frame.values.tolist() == [
        ["001", "东湖街道", "2022-03-05", "0.962", "44625"],
        ["002", "西湖镇", "2022-03-06 14:30:00", "0.962", "3"],
        ["003", "南山园区", "2022/3/7", "0.5", "1.5"],
    ]
    assert table.notices == ["已跳过表头上方的标题行（第 1 行：2022年3月隐患台账）",
                             "已跳过数据中间的空行（第 6 行）",
                             "已去掉末尾的合计行（第 8 行：合计）"]


def test_xlsx_vertically_merged_cells_fill_every_row():
    def build(workbook):
        sheet = workbook.active
        sheet.append(["编号", "镇街"])
        sheet.append(["1", "东湖街道"])
        sheet.append(["2", None])
        sheet.merge_cells("B2:B3")

    table = read(xlsx(build), name="a.xlsx")
    assert table.frame["镇街"].tolist() == ["东湖街道", "东湖街道"]
    assert "合并单元格" in table.notices[0]


def test_xlsx_empty_first_sheet_falls_through_to_the_next():
    def build(workbook):
        workbook.active.title = "封面"
        sheet = workbook.create_sheet("数据")
        sheet.append(["编号", "镇街"])
        sheet.append([1, "东湖"])

    table = read(xlsx(build), name="a.xlsx")
    assert table.frame.values.tolist() == [["1", "东湖"]] and table.rows.tolist() == [2]
    assert "“封面”是空的" in table.notices[0]


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_xlsx_is_rejected(fraction):
    data = xlsx(ledger_sheet)
    problem = reason(data[: int(len(data) * fraction)], name="台账.xlsx")
    assert problem.reason == "Excel 文件已损坏或不完整，无法读取"


def test_a_word_document_is_not_a_table():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "Word" in reason(out.getvalue(), name="台账.xlsx").reason


def test_empty_workbook_is_rejected():
    assert reason(xlsx(lambda wb: None), name="a.xlsx").reason.startswith("文件是空的")


# ---------------------------------------------------------------- Parquet


def test_parquet_keeps_its_types_and_counts_rows_from_2():
    frame = pd.DataFrame({"编号": ["001", "002"], "发现日期": pd.to_datetime(["2022-03-05", "2022-03-06"]),
                          "数量": [1, 2], "比率": [0.5, 0.962]})
    out = io.BytesIO()
    frame.to_parquet(out)
    table = read(out.getvalue(), name="台账.parquet")
    assert table.format == "parquet" and table.header_row == 1 and table.rows.tolist() == [2, 3]
    assert table.frame["编号"].tolist() == ["001", "002"]
    assert pd.api.types.is_datetime64_dtype(table.frame["发现日期"])
    assert table.frame["数量"].dtype == "int64" and table.frame["比率"].tolist() == [0.5, 0.962]


@pytest.mark.parametrize("damage", [lambda b: b[:-8], lambda b: b[:40], lambda b: b"PAR1 not really PAR1"])
def test_corrupt_parquet_is_rejected(damage):
    out = io.BytesIO()
    pd.DataFrame({"a": range(100)}).to_parquet(out)
    assert reason(damage(out.getvalue()), name="a.parquet").reason == "Parquet 文件已损坏或不完整，无法读取"


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("content", [b"", b"   \r\n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n", b",,,\n,,\n"])
def test_empty_file_is_rejected(content):
    assert reason(content).reason == "文件是空的"


@pytest.mark.parametrize("content", ["编号,镇街\n", "标题\n编号,镇街\n\n", "编号,镇街\n合计,\n"])
def test_header_only_is_rejected(content):
    assert reason(content).reason == "只有表头，没有数据行"


def test_nul_bytes_are_rejected_as_binary():
    assert "NUL" in reason(b"\xd5\xd2,b\n1,\x00\x002\n").reason


def test_undecodable_bytes_are_rejected():
    assert "编码" in reason(b"a,b\n\x81\xff\x81\xff,1\n").reason


def test_random_bytes_raise_only_rejected():
    rng = random.Random(20220305)
    prefixes = [b"", b"PK\x03\x04", b"PAR1", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # zip, parquet, old xls
                b"\xef\xbb\xbf", b"\xff\xfe", b"a,b\n"]
    for _ in range(150):
        blob = rng.choice(prefixes) + bytes(rng.getrandbits(8) for _ in range(rng.choice([1, 7, 64, 2000])))
        for name in ("x.csv", "x.xlsx", "x.parquet", "x.xls", "x"):
            try:
                read_table(blob, name)
            except Rejected as exc:
                assert exc.problems and exc.problems[0].file == name


def test_damaged_xlsx_bytes_raise_only_rejected():
    original = xlsx(ledger_sheet)
    rng = random.Random(7)
    for _ in range(150):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 30)):
            damaged[rng.randrange(len(damaged))] = rng.getrandbits(8)
        try:
            read_table(bytes(damaged), "x.xlsx")
        except Rejected:
            pass


# ---------------------------------------------------------------- scale


def big_ledger(rows: int = 70_000) -> str:
    """A UTF-8 ledger past the 4 MB the reader decodes up front (about 80 bytes a row)."""
    return "编号,镇街,发现日期,描述\n" + "".join(f"H{i:06d},东湖街道,2022-03-05,楼道堆物占用消防通道第{i}处\n"
                                                  for i in range(rows))


def test_a_file_past_the_decoded_head_reads_to_its_last_row():
    text = big_ledger()
    assert len(text.encode("utf-8")) > 5_000_000
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        table = read(data)
        assert len(table.frame) == 70_000 and table.rows[-1] == 70_001
        assert table.frame["描述"].iloc[-1] == "楼道堆物占用消防通道第69999处"


def test_gbk_lines_past_the_decoded_head_are_named_by_their_row():
    # row 1 header, rows 2–70,001 UTF-8, then one line pasted in from a GBK file: row 70,002
    data = big_ledger().encode("utf-8") + "H999999,西湖镇,2022-03-06,燃气\n".encode("gbk")
    problem = reason(data)
    assert problem.row == 70_002 and "混杂" in problem.reason


def test_blank_lines_and_quoted_line_breaks_past_the_head_still_count_as_excel_does():
    # Arrow cannot map records to rows when both occur: the reader then reads the whole text itself
    text = big_ledger() + "\nH777777,西湖镇,2022-03-06,\"楼道\n堆物\"\nH888888,西湖镇,2022-03-07,x\n"
    table = read(text)
    assert table.frame["描述"].iloc[-2:].tolist() == ["楼道\n堆物", "x"]
    assert table.rows[-2:].tolist() == [70_003, 70_004]  # 70,002 is the blank line; the cell spans one row



def test_a_million_row_csv_reads_in_seconds(capsys):
    n = 1_000_000
    towns = ["东湖街道", "西湖镇", "南山园区", "北城街道", "中河乡"]
    days = (np.datetime64("2021-01-01") + np.arange(n) % 730).astype(str).tolist()
    filler = ",".join(["消防安全", "安全生产", "道路交通", "燃气安全", ""][i % 5] for i in range(15))
    header = "隐患编号,所属镇街,发现日期,数量,比率," + ",".join(f"字段{i}" for i in range(15))
    body = "\n".join(f"H{i:07d},{towns[i % 5]},{days[i]},{i % 5000},{i % 1000 / 10}%,{filler}" for i in range(n))
    data = f"2022年隐患台账\n{header}\n{body}\n合计,,,,\n".encode("utf-8")
    timings = {}
    for label, blob in [("utf-8", data), ("gb18030", data.decode("utf-8").encode("gb18030"))]:
        start = time.perf_counter()
        table = read_table(blob, "big.csv", ["隐患编号", "所属镇街"])
        timings[label] = time.perf_counter() - start
        assert table.frame.shape == (n, 20) and table.rows[0] == 3 and table.rows[-1] == n + 2
        assert table.frame["隐患编号"].iloc[-1] == f"H{n - 1:07d}"
    with capsys.disabled():
        print(f"\nread_table on a {len(data) / 1e6:.0f} MB, 1,000,000 × 20 CSV: "
              + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in timings.items()))
