"""Read an uploaded export (CSV, Excel or Parquet bytes) into a table of cell text with the analyst's row numbers.

Row numbers are those Excel shows when it opens the file: a blank line is a
row, a cell with a line break inside quotes does not start a new one. For
ordinary exports that is also the line a text editor shows.

Rows with fewer fields than the header (hand-typed totals, trimmed exports)
are padded with empty cells and the analyst is told which rows. Rows with
more fields are accepted only if the extra fields are empty; otherwise the
file is refused with the row number, because an unquoted comma inside a value
shifts every later cell into the wrong column and the data cannot be trusted.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
import resource
import threading
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import python_calamine

from board import ROOT
from board.errors import Problem, Rejected
from board.parse import cell_text
from board.schema import header_key

HEADER_SEARCH_ROWS = 15
SERIAL_HEADERS = {"序号", "序", "no", "no."}  # a running number, not data: ignored when judging blank rows
MAX_COLUMNS = 1024  # cells further right are strays (Excel's used range reaching XFD), reported and ignored
MAX_UNZIPPED = int(os.environ.get("BOARD_MAX_UNZIPPED_MB", "1024")) << 20  # what an .xlsx may expand to
MAX_RATIO = 200  # a member expanding more than this (and past 64 MB) is a zip bomb, not a spreadsheet
READ_MEMORY_MB = int(os.environ.get("BOARD_READ_MEMORY_MB", "3072"))  # the Excel reader child's address space
READ_SECONDS = int(os.environ.get("BOARD_READ_SECONDS", "600"))
DELIMITERS = (",", "\t", ";", "|")
SAMPLE_CHARS = 1 << 20
SAMPLE_RECORDS = 200

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
PARQUET_MAGIC = b"PAR1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
EXCEL_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}

# Titles above the header and footers below the data, as exports and hand-made reports write them.
TOTAL_ROW = re.compile(
    r"^(?:全区|全县|全市|全镇|全街道|本月|本期|本季度?|本年|累计|各镇街)?(?:合计|总计|小计|总合计|汇总|共计)(?:[:：].*)?$"
    r"|^(?:grand)?totals?(?::.*)?$|^sum$",
    re.IGNORECASE,
)
NOTE_ROW = re.compile(
    r"^(?:注|备注|说明|制表人?|填表人?|填报人?|审核人?|负责人|联系人|联系电话|数据来源|统计时间|导出时间|打印时间"
    r"|制表日期|填报日期|填报单位)\s*[:：]"
)

CONTROL_CHARS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x19\x1b-\x1f]")

MSG_EMPTY = "文件是空的"
MSG_HEADER_ONLY = "只有表头，没有数据行"
MSG_BINARY = "文件含有二进制内容（NUL 字节），不是 CSV 文本表格"
MSG_EXCEL_BROKEN = "Excel 文件已损坏或不完整，无法读取"
MSG_PARQUET_BROKEN = "Parquet 文件已损坏或不完整，无法读取"
MSG_HTML = "文件实际上是网页（HTML）或 XML 格式，只是扩展名像表格；请用 Excel 打开后另存为 .xlsx 或 CSV 再上传"


@dataclass
class RawTable:
    """An upload as cells of text (typed columns for Parquet), one frame row per data row of the file."""

    frame: pd.DataFrame  # one column per header cell, named by its stripped text; data rows only
    rows: np.ndarray  # each frame row's row number as Excel / a text editor shows it (1-based, header counted)
    header_row: int  # 1-based row number of the header
    format: str  # "csv" | "xlsx" | "parquet"
    encoding: str | None  # "utf-8-sig" | "utf-8" | "gb18030" | "utf-16" for csv, else None
    notices: list[str] = field(default_factory=list)  # plain Chinese notes for the analyst
    sheet: str | None = None  # the worksheet read (Excel)
    sheets: list[str] = field(default_factory=list)  # every visible worksheet, for the analyst to pick another


def read_table(data: bytes, filename: str, header_hints: Iterable[str] = (), sheet: str | None = None) -> RawTable:
    """Read one uploaded file; anything unreadable raises Rejected with a reason in plain Chinese.

    Excel files are parsed in a child process with a memory limit: a workbook whose used range
    reaches XFD1048576, or a zip bomb, must not take the server down with it.
    """
    data = bytes(data)
    hints = {header_key(h) for h in header_hints} - {""}
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC, OLE_MAGIC)):
        _check_expansion(data, filename)
        return _read_excel_guarded(data, filename, hints, sheet)
    try:
        return _read(data, filename, hints)
    except Rejected:
        raise
    except Exception as exc:
        raise _rejected(filename, f"无法读取这个文件（{type(exc).__name__}），请确认它是 CSV、Excel 或 Parquet 表格") from exc


def _read(data: bytes, filename: str, hints: set[str]) -> RawTable:
    ext = os.path.splitext(filename)[1].lower()
    if data.startswith(PARQUET_MAGIC) or ext in PARQUET_EXTENSIONS:
        return _read_parquet(data, filename)
    return _read_csv(data, filename, hints, ext)


def _rejected(filename: str, reason: str, row: int | None = None) -> Rejected:
    return Rejected([Problem(file=filename, reason=reason, row=row)])


# ---------------------------------------------------------------- CSV


def _read_csv(data: bytes, filename: str, hints: set[str], ext: str) -> RawTable:
    text, encoding, body, whole = _decode(data, filename, ext)
    notices = []
    if ext in EXCEL_EXTENSIONS:
        notices.append(f"文件扩展名是 {ext}，但内容是文本表格，已按 CSV 读取")

    sample = text
    if not whole or len(text) > SAMPLE_CHARS:  # whole lines only; old Mac exports end lines with \r alone
        sample = text[: max(text.rfind("\n", 0, SAMPLE_CHARS), text.rfind("\r", 0, SAMPLE_CHARS), 0) + 1]
        if not sample.strip():
            raise _rejected(filename, f"第一行超过 {SAMPLE_CHARS // 1024 // 1024} MB 还没有换行，不像导出的表格"
                                      "（表头过长）；请检查文件", row=1)
    delimiter = _sniff_delimiter(sample)
    records = _sample_records(sample, delimiter, filename)
    first, last, header, note = _find_header([(row, cells) for row, cells, _ in records], hints)
    header_row, _, header_end = records[last]
    preamble = [(row, cells) for row, cells, _ in records[:first]]
    if note:
        notices.append(note)
    widths = Counter(len(cells) for _, cells, _ in records[last + 1 :] if any(c.strip() for c in cells))
    # every data row one field wider than the header: a trailing delimiter, not a shifted value
    ncols = max([len(header), *(w for w, k in widths.items() if k * 2 > sum(widths.values()))])

    start = len(sample[:header_end].encode("utf-8"))
    cells, rows, padded = _parse_body(body, start, (lambda: text) if whole else (lambda: body.decode("utf-8")),
                                      header_end, delimiter, ncols, header_row, filename)
    _check_closing_quote(cells, rows, body, filename, delimiter)
    table = _finish(cells, rows, header, header_row, preamble, "csv", encoding, notices, filename)
    if padded:  # not the dropped 合计 (and no isin over every row when nothing was padded: 0.2 s at 500k)
        padded = np.asarray(padded, dtype=np.int64)[np.isin(padded, table.rows)].tolist()
    if padded:
        table.notices.append(f"{_row_list(padded)}的值比表头少，缺少的单元格按空值处理")
    return table


def _decode(data: bytes, filename: str, ext: str) -> tuple[str, str, bytes, bool]:
    """The file as text, its encoding, the same text as UTF-8 bytes for Arrow (BOM → UTF-8 → GB18030), and
    whether the text is the whole file. A UTF-8 file's text is only its head, enough for the sample: Arrow
    checks the rest is UTF-8 without making a Python string of it (for a 130 MB export, 0.2 s and 300 MB)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _rejected(filename, "文件以 UTF-16 标记开头，但内容无法按 UTF-16 解码") from None
        if "\x00" in text:
            raise _rejected(filename, _broken_reason(ext, MSG_BINARY))
        return _checked_text(text, filename, ext), "utf-16", text.encode("utf-8"), True
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            text, whole = _utf8_head(body)
        except UnicodeDecodeError as exc:
            line = body[: exc.start].count(b"\n") + 1
            raise _rejected(filename, "文件以 UTF-8 标记开头，但有内容不是有效的 UTF-8", row=line) from None
        return _checked_text(text, filename, ext, None if whole else body), "utf-8-sig", body, whole
    if not re.search(rb"\S", data):
        raise _rejected(filename, MSG_EMPTY)
    if b"\x00" in data:
        raise _rejected(filename, _broken_reason(ext, MSG_BINARY))
    try:
        text, whole = _utf8_head(data)
        return _checked_text(text, filename, ext, None if whole else data), "utf-8", data, whole
    except UnicodeDecodeError as exc:
        utf8_stop = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        # neither encoding reads the whole file: most often UTF-8 with lines pasted in from a GBK file;
        # the first line UTF-8 cannot read is the one to fix
        mixed = utf8_stop > 0 and re.search(rb"[\x80-\xff]", data[:utf8_stop]) is not None
        line = data[: utf8_stop if mixed else exc.start].count(b"\n") + 1
        reason = _broken_reason(ext, "文字编码混杂：前面是 UTF-8，从这一行起是 GBK 等其他编码；请统一另存为 UTF-8 后再上传"
                                if mixed else "无法识别文件的文字编码：既不是 UTF-8，也不是 GBK/GB18030，可能不是文本表格")
        raise _rejected(filename, reason, row=None if ext in EXCEL_EXTENSIONS else line) from None
    return _checked_text(text, filename, ext), "gb18030", text.encode("utf-8"), True


HEAD_BYTES = 4 * SAMPLE_CHARS + 4  # at least SAMPLE_CHARS + 1 characters, at four bytes a character at most


def _utf8_head(data: bytes) -> tuple[str, bool]:
    """(the text of the first HEAD_BYTES, whether that is all of it); UnicodeDecodeError, as bytes.decode
    raises it, when any part of the data is not UTF-8."""
    if len(data) <= HEAD_BYTES:
        return data.decode("utf-8"), True
    whole = pa.Array.from_buffers(pa.large_string(), 1, [None, pa.py_buffer(np.array([0, len(data)], np.int64)),
                                                         pa.py_buffer(data)])
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        data.decode("utf-8")  # raises, with the position of the first bad byte
        raise
    end = HEAD_BYTES
    while data[end] & 0xC0 == 0x80:  # not inside a character
        end -= 1
    return data[:end].decode("utf-8"), False


def _checked_text(text: str, filename: str, ext: str, rest: bytes | None = None) -> str:
    """The decoded text, refused if it is empty, binary or a web page saved as .xls. text may be the head of
    rest (UTF-8 bytes), read further only to find out whether the file is blank."""
    if not re.search(r"\S", text) and (rest is None or not re.search(r"\S", rest.decode("utf-8"))):
        raise _rejected(filename, MSG_EMPTY)
    head = text[:65536]
    controls = len(CONTROL_CHARS.findall(head))
    if controls > max(2, len(head) // 100):
        raise _rejected(filename, _broken_reason(ext, "文件含有二进制内容，不是 CSV 文本表格"))
    # Chinese government systems often "export to Excel" as an HTML page named .xls
    if re.match(r"\s*<(?:!doctype|html|\?xml|table|head|meta|body)", head[:1024], re.IGNORECASE):
        raise _rejected(filename, MSG_HTML)
    return text


def _broken_reason(ext: str, otherwise: str) -> str:
    if ext in EXCEL_EXTENSIONS:
        return MSG_EXCEL_BROKEN
    if ext in PARQUET_EXTENSIONS:
        return MSG_PARQUET_BROKEN
    return otherwise


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's rows into the most consistent number (> 1) of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            widths = Counter(len(r) for _, r in zip(range(SAMPLE_RECORDS), reader) if len(r) > 1)
        except csv.Error:
            continue
        if widths:
            width, count = widths.most_common(1)[0]
            if (count, width) > best_score:
                best, best_score = delimiter, (count, width)
    return best


def _sample_records(sample: str, delimiter: str, filename: str) -> list[tuple[int, list[str], int]]:
    """The sample's first non-blank records: (row number, cells, character offset where the record ends)."""
    consumed = 0

    def lines():
        nonlocal consumed
        for line in io.StringIO(sample, newline=""):
            consumed += len(line)
            yield line

    records = []
    reader = csv.reader(lines(), delimiter=delimiter)
    row = 0
    try:
        for cells in reader:
            row += 1
            if any(c.strip() for c in cells):
                records.append((row, cells, consumed))
                if len(records) >= SAMPLE_RECORDS:
                    break
    except csv.Error as exc:
        # an unbalanced quote in the sample: the full parse reports it with its row; a giant cell is said here
        if not records and "field larger than field limit" in str(exc):
            raise _rejected(filename, f"表头有一个单元格超过 {csv.field_size_limit() // 1024} KB，不像导出的表格；"
                                      "请检查文件", row=row + 1) from None
    if not records:
        raise _rejected(filename, MSG_EMPTY)
    return records


def _find_header(records: list[tuple[int, list[str]]], hints: set[str],
                 merges: list = ()) -> tuple[int, int, list[str], str | None]:
    """(first, last) index of the header rows, the column names, and a notice when the header spans two rows.

    The header is the row naming the most known columns (at least 2), else the first with ≥ 2 filled
    cells. A row directly above or below it joins it when together they name more known columns: the
    upper row of a grouped header (隐患基本情况 over 隐患类别 · 隐患等级 …), whose cells merged down
    both rows name a column themselves (序号, 隐患编号).
    """
    candidates = records[:HEADER_SEARCH_ROWS]
    scores = [_score(cells, hints) for _, cells in candidates]
    if not hints or max(scores, default=0) < 2:
        best = next((i for i, (_, c) in enumerate(candidates) if sum(bool(x.strip()) for x in c) >= 2), 0)
        return best, best, candidates[best][1], None
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    pairs = []
    for upper in (best - 1, best):
        lower = upper + 1
        if upper < 0 or lower >= len(candidates) or candidates[lower][0] != candidates[upper][0] + 1:
            continue
        names, groups, leaves = _combine(candidates[upper], candidates[lower], merges)
        score = _score(leaves, hints)
        if score > scores[best]:
            pairs.append((score, -upper, names, groups))
    if not pairs:
        return best, best, candidates[best][1], None
    _, upper, names, groups = max(pairs, key=lambda p: p[:2])
    upper = -upper
    rows = f"第 {candidates[upper][0]}–{candidates[upper + 1][0]} 行"
    shown = "“" + "”“".join(groups[:6]) + "”" if groups else ""
    note = f"表头占两行（{rows}），上一行是分组{shown}，已按下一行的列名读取（上下合并的格按上一行读取）"
    return upper, upper + 1, names, note


def _score(cells: list[str], hints: set[str]) -> int:
    """How many cells name a known column."""
    return sum(1 for c in cells if c and c.strip() and header_key(c) in hints)


def _combine(upper: tuple[int, list[str]], lower: tuple[int, list[str]],
             merges) -> tuple[list[str], list[str], list[str]]:
    """(names, groups, leaves) of a two-row header: the lower cell, else the upper one; "group/leaf" where leaves repeat."""
    up_row, up = upper
    _, low = lower
    width = max(len(up), len(low))
    up = [c.strip() for c in up] + [""] * (width - len(up))
    low = [c.strip() for c in low] + [""] * (width - len(low))
    # horizontal merges in the upper row (0-based sheet coordinates) say how far each group reaches
    span_of = {}
    for (r0, c0), (r1, c1) in merges:
        if r0 <= up_row - 1 <= r1 and c1 > c0:
            for c in range(c0, c1 + 1):
                span_of[c] = c0
    leaves, group_of, current = [], [], None
    for c in range(width):
        if not low[c]:
            leaves.append(up[c])  # merged down both rows, or a single-row column
            group_of.append(None)
            current = None
            continue
        leaves.append(low[c])
        if up[c]:
            current = up[c]
        elif merges and span_of:
            current = up[span_of[c]] if c in span_of else None
        group_of.append(current)
    repeated = {n for n, k in Counter(leaves).items() if n and k > 1}
    names = [f"{g}/{n}" if n in repeated and g else n for n, g in zip(leaves, group_of)]
    groups = list(dict.fromkeys(g for g in group_of if g))
    return names, groups, leaves


def _parse_body(body: bytes, start: int, text, text_start: int, delimiter: str, ncols: int,
                header_row: int, filename: str) -> tuple[list[pa.Array], np.ndarray, list[int]]:
    """The data records after the header as string columns, their row numbers, and the rows that were padded.
    text() gives the file as a string, for the files Arrow cannot read."""
    names = [f"c{i}" for i in range(ncols)]
    skipped: list[tuple[int | None, str]] = []

    def on_invalid(row) -> str:
        skipped.append((row.number, row.text))
        return "skip"

    def read(threads: bool) -> pa.Table:
        skipped.clear()
        return pacsv.read_csv(
            io.BytesIO(memoryview(body)[start:]),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=threads),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=body.find(b'"', start) != -1,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                # large_string is what pandas keeps text in: read as string, every cell was copied once more
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = read(threads=True)
        if skipped:  # only on one thread does Arrow give each malformed row's record number
            table = read(threads=False)
    except pa.ArrowException:  # e.g. a quoted cell longer than Arrow's block
        table = None
    if table is not None and all(n is not None for n, _ in skipped):
        rows = _record_rows(body, start, table.num_rows + len(skipped), header_row)
        if rows is not None and len(rows) == table.num_rows + len(skipped):
            try:
                return _merge_skipped(table, skipped, rows, delimiter, ncols, filename)
            except ValueError:
                pass
    return _parse_body_slowly(text()[text_start:], delimiter, ncols, header_row, filename)


def _check_closing_quote(columns: list, rows: np.ndarray, body: bytes, filename: str, delimiter: str = ",") -> None:
    """Refuse a file whose last quote never closes: the parser would fold every later line into one cell."""
    if len(rows) == 0 or body.count(b'"') % 2 == 0:
        return
    last = [col[len(rows) - 1].as_py() or "" for col in columns]
    if any("\n" in c or "\r" in c for c in last):
        raise _rejected(filename, "引号没有配对：从这一行起，后面的所有行都被并进了一个单元格", row=int(rows[-1]))
    # the file's last quote opens a cell (at a line start or after a delimiter) and the file ends inside it
    at = body.rfind(b'"')
    if at == 0 or body[at - 1:at] in (b"\n", b"\r", delimiter.encode()):
        raise _rejected(filename, "引号没有配对：这一行有一个开头的引号一直没有关闭，文件在引号里结束",
                        row=body[:at].count(b"\n") + 1)


def _record_rows(body: bytes, start: int, n_records: int, header_row: int) -> np.ndarray | None:
    """Row numbers of the n non-blank records after the header, or None when a slower exact count is needed."""
    end = len(body)
    while end > start and body[end - 1] in b"\r\n":
        end -= 1
    if end == start:
        return header_row + 1 + np.arange(n_records, dtype=np.int64)
    has_lf = body.find(b"\n", start, end) != -1
    has_cr = body.find(b"\r", start, end) != -1
    terminator = b"\r" if has_cr and not has_lf else b"\n"
    # as many lines as records: no blank lines and no line breaks inside cells, so rows follow one by one
    if body.count(terminator, start, end) + 1 == n_records:
        return header_row + 1 + np.arange(n_records, dtype=np.int64)
    a = np.frombuffer(body, dtype=np.uint8, count=end - start, offset=start)
    lf, cr = a == 10, a == 13
    cr_alone = cr.copy()
    cr_alone[:-1] &= ~lf[1:]
    terminators = np.flatnonzero(lf | cr_alone)
    line_start = np.concatenate(([0], terminators + 1))
    line_end = np.concatenate((terminators, [len(a)]))
    crlf = np.zeros(len(line_end), dtype=bool)
    crlf[:-1] = lf[terminators] & (terminators > line_start[:-1]) & cr[np.maximum(terminators - 1, 0)]
    filled = np.flatnonzero(line_end - line_start - crlf > 0)
    if len(filled) == n_records:  # blank lines only: Excel still counts them as rows
        return header_row + 1 + filled.astype(np.int64)
    if len(filled) == len(line_start):  # line breaks inside quoted cells only: one row per record
        return header_row + 1 + np.arange(n_records, dtype=np.int64)
    return None  # both: count record by record


def _merge_skipped(table: pa.Table, skipped: list[tuple[int, str]], rows: np.ndarray, delimiter: str,
                   ncols: int, filename: str) -> tuple[list[pa.Array], np.ndarray, list[int]]:
    """Arrow's table with the malformed records it skipped put back in place, padded or refused."""
    columns = [table.column(i) for i in range(ncols)]
    if not skipped:
        return columns, rows, []
    positions = np.array([number - 1 for number, _ in skipped], dtype=np.int64)
    if positions.min() < 0 or positions.max() >= len(rows) or len(np.unique(positions)) != len(positions):
        raise ValueError("Arrow reported record numbers outside the file")
    fitted, padded = [], []
    for position, (_, record_text) in zip(positions, skipped):
        cells = next(csv.reader(io.StringIO(record_text, newline=""), delimiter=delimiter), [])
        fitted.append(_fit(cells, ncols, int(rows[position]), padded, filename))
    extra = pa.table({f"c{i}": pa.array([r[i] for r in fitted], table.schema.field(i).type) for i in range(ncols)})
    merged = pa.concat_tables([table.rename_columns(extra.column_names), extra])
    if positions.min() < table.num_rows:  # not just trailing rows (the usual 合计): restore file order
        is_kept = np.ones(len(rows), dtype=bool)
        is_kept[positions] = False
        order = np.argsort(np.concatenate((np.flatnonzero(is_kept), positions)), kind="stable")
        merged = merged.take(pa.array(order))
    return [merged.column(i) for i in range(ncols)], rows, padded


def _parse_body_slowly(text: str, delimiter: str, ncols: int, header_row: int,
                       filename: str) -> tuple[list[pa.Array], np.ndarray, list[int]]:
    """Record-by-record parse for files Arrow cannot map to rows (quoted line breaks next to blank lines)."""
    rows, records, padded = [], [], []
    row = header_row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            row += 1
            if cells:
                records.append(_fit(cells, ncols, row, padded, filename))
                rows.append(row)
    except csv.Error:
        raise _rejected(filename, "引号没有配对，或某个单元格过长，无法确定各列的边界", row=row + 1) from None
    columns = [pa.array([r[i] for r in records], pa.string()) for i in range(ncols)]
    return columns, np.array(rows, dtype=np.int64), padded


def _fit(cells: list[str], ncols: int, row: int, padded: list[int], filename: str) -> list[str]:
    """A record cut or padded to the header's width; refused when real values would be lost."""
    if len(cells) > ncols:
        if any(c.strip() for c in cells[ncols:]):
            raise _rejected(
                filename,
                f"这一行有 {len(cells)} 个值，但表头只有 {ncols} 列；可能某个值里含有未加引号的分隔符，请检查后重新导出",
                row=row,
            )
        return cells[:ncols]
    if len(cells) < ncols:
        if any("\n" in c or "\r" in c for c in cells):
            raise _rejected(filename, "引号没有配对，后面的多行被并进了一个单元格", row=row)
        if any(c.strip() for c in cells):
            padded.append(row)
        return cells + [""] * (ncols - len(cells))
    return cells


# ---------------------------------------------------------------- Excel


@dataclass
class _Sheet:
    """One worksheet as text: its non-blank rows (Excel row number, cells) and merged ranges (0-based)."""

    name: str
    rows: list[tuple[int, list[str]]]
    merges: list
    strays: list[str] = field(default_factory=list)  # cells far right of the table, e.g. "XFD1048576"


def _read_excel_guarded(data: bytes, filename: str, hints: set[str], sheet: str | None) -> RawTable:
    """_read_excel in a child process; a native crash or the memory limit becomes a problem of this file."""
    outcome = _in_child(data, filename, hints, sheet, "calamine")
    if outcome[0] == "died" and data.startswith(ZIP_MAGIC):
        # calamine builds the whole used range in memory (a stray cell at XFD1048576 asks for 512 GB);
        # openpyxl's streaming parser reads only the cells that are there
        outcome = _in_child(data, filename, hints, sheet, "sparse")
        generic = outcome[0] == "rejected" and all(p.reason == _excel_failure(data) for p in outcome[1])
        if outcome[0] == "broken" or generic:
            # the XML parser fails with its own error when the memory limit hits it: still the memory limit
            outcome = ("died", None)
    kind, value = outcome
    if kind == "ok":
        return value
    if kind == "rejected":
        raise Rejected(value)
    if kind == "timeout":
        raise _rejected(filename, f"读取这个 Excel 文件超过了 {READ_SECONDS} 秒，已停止；请把数据复制到新工作簿另存后再上传")
    if kind == "died":
        raise _rejected(filename, f"这个 Excel 文件读取时超出了内存上限（{READ_MEMORY_MB:,} MB），已停止读取，看板未受影响。"
                                  "常见原因是工作表里有远离数据的单元格或格式，或文件本身异常；"
                                  "请在 Excel 中删去数据以外的行和列（或把数据复制到新工作簿）另存后再上传")
    raise _rejected(filename, value)


_CONTEXT_LOCK = threading.Lock()
_context = None


def _child_context():
    """A forkserver context whose server has already imported this module, so each read starts in milliseconds."""
    global _context
    with _CONTEXT_LOCK:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["board.readers"])
            # Python 3.11's forkserver ignores the parent's sys.path: give it the project by PYTHONPATH
            old = os.environ.get("PYTHONPATH")
            os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([old] if old else []))
            try:
                from multiprocessing import forkserver
                forkserver.ensure_running()
            finally:
                if old is None:
                    os.environ.pop("PYTHONPATH", None)
                else:
                    os.environ["PYTHONPATH"] = old
            _context = ctx
        return _context


def _in_child(data: bytes, filename: str, hints: set[str], sheet: str | None, mode: str) -> tuple[str, object]:
    """("ok", RawTable) | ("rejected", problems) | ("broken", reason) | ("died", None) | ("timeout", None)."""
    ctx = _child_context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(send, data, filename, hints, sheet, mode, READ_MEMORY_MB),
                        daemon=True)
    child.start()
    send.close()  # the child holds the only writing end: its death ends our wait
    try:
        if not receive.poll(READ_SECONDS):
            child.kill()
            return ("timeout", None)
        try:
            return receive.recv()
        except (EOFError, OSError):
            return ("died", None)
    finally:
        receive.close()
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()


def _child_main(send, data, filename, hints, sheet, mode, memory_mb) -> None:
    limit = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    start = _peak_address_space()
    # a native abort prints a Rust backtrace; the analyst gets the Chinese reason from the parent instead
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        outcome = ("ok", _read_excel(data, filename, hints, sheet, mode))
    except Rejected as r:
        # _read_excel calls whatever the reader raised a damaged file; its cause says whether it was the limit
        cause = r.__cause__
        outcome = ("died", None) if cause and _out_of_memory(cause, start, limit) else ("rejected", r.problems)
    except BaseException as exc:  # MemoryError, and python-calamine's Rust panics (they derive from BaseException)
        outcome = ("died", None) if _out_of_memory(exc, start, limit) else ("broken", _excel_failure(data))
    send.send(outcome)
    send.close()


# How an allocation failure reads when a reader turns it into an ordinary error: Rust's "memory allocation of N
# bytes failed" and "capacity overflow", the OS's ENOMEM ("Cannot allocate memory (os error 12)").
ALLOCATION_FAILED = re.compile(r"memory allocation|allocation failed|failed to allocate|out of memory|"
                               r"cannot allocate memory|os error 12|capacity overflow", re.IGNORECASE)


def _out_of_memory(exc: BaseException, start: int, limit: int, peak: int | None = None) -> bool:
    """Whether a reader's failure came from the address-space limit rather than from the file (bytes).

    Under the limit a reader fails wherever its next allocation happens to be, often as an ordinary error. So: an
    allocation error, or any error once the reader had taken a quarter of the room it was given (`start` in use
    when it began, `limit` in all, `peak` the most it held): a buffer that doubles, copied on growth, cannot grow
    past a third of it.
    """
    for _ in range(8):  # the error and what it was raised from (a chain may loop)
        if exc is None:
            break
        if isinstance(exc, MemoryError) or ALLOCATION_FAILED.search(f"{type(exc).__name__} {exc}"):
            return True
        exc = exc.__cause__ or exc.__context__
    peak = _peak_address_space() if peak is None else peak
    return peak - start >= (limit - start) / 4


def _peak_address_space() -> int:
    """The most address space this process (or, before it was forked, its parent) has held, in bytes: what
    RLIMIT_AS limits."""
    with open("/proc/self/status", encoding="ascii", errors="replace") as f:
        return next(int(line.split()[1]) << 10 for line in f if line.startswith("VmPeak:"))


def _check_expansion(data: bytes, filename: str) -> None:
    """Refuse a workbook whose parts would expand past what a spreadsheet of data needs (a zip bomb)."""
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception:
        return  # a damaged archive: the reader says so
    total = sum(i.file_size for i in infos)
    bomb = [i for i in infos if i.file_size > 64 << 20 and i.file_size > MAX_RATIO * max(i.compress_size, 1)]
    if total > MAX_UNZIPPED or bomb:
        ratio = total / max(len(data), 1)
        raise _rejected(filename, f"这个 Excel 文件解压后有 {_size(total)}（是文件本身的 {ratio:,.0f} 倍），"
                                  f"超过看板能读取的上限（{_size(MAX_UNZIPPED)}，压缩比不超过 {MAX_RATIO} 倍），已拒绝读取。"
                                  "这通常是大片空白格式或异常文件；请把数据复制到新工作簿另存后再上传")


def _size(n: int) -> str:
    return f"{n / (1 << 30):,.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):,.0f} MB"


def _read_excel(data: bytes, filename: str, hints: set[str], sheet: str | None = None,
                mode: str = "calamine") -> RawTable:
    """The worksheet whose header names the most known columns (or the one asked for), read as text."""
    try:
        names, sheets = _excel_sheets(data, mode)
        if sheet is not None and sheet not in names:
            raise _rejected(filename, f"工作簿里没有名为“{sheet}”的工作表（有：{'、'.join(names) or '无'}）")
        best, best_key, empty, scanned = None, None, [], []
        for s in sheets(sheet):
            if not s.rows:
                empty.append(s.name)
                continue
            first, last, header, _ = _find_header(s.rows, hints, s.merges)
            key = _score(header, hints)
            scanned.append(s.name)
            if best is None or key > best_key:
                best, best_key = s, key
    except python_calamine.PasswordError:
        raise _rejected(filename, "Excel 文件设置了密码，请取消密码保护后再上传") from None
    except Rejected:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise _rejected(filename, _excel_failure(data)) from exc
    if best is None:
        if sheet is not None:
            raise _rejected(filename, f"工作表“{sheet}”是空的")
        raise _rejected(filename, MSG_EMPTY + "（工作簿里没有任何数据）")

    notices = []
    if sheet is None and len(names) > 1:
        others = [n for n in names if n != best.name]
        if empty and set(others) <= set(empty):
            notices.append(f"工作表“{'”、“'.join(empty)}”是空的，已读取工作表“{best.name}”")
        else:
            notices.append(f"已读取工作表“{best.name}”（表头最像所选数据）；跳过了“{'”、“'.join(others)}”，"
                           "如需读取其他工作表请另行指定")
    elif sheet is not None:
        notices.append(f"已按指定读取工作表“{sheet}”")
    if best.strays:
        shown = "、".join(best.strays[:3]) + (f" 等 {len(best.strays)} 个" if len(best.strays) > 3 else "")
        notices.append(f"表格右侧很远处有单元格（{shown}），不属于表格，已忽略")

    first, last, header, note = _find_header(best.rows, hints, best.merges)
    if note:
        notices.append(note)
    header_row = best.rows[last][0]
    width = len(header)
    by_row = dict(best.rows)
    data_rows = [r for r, _ in best.rows[last + 1:]]
    grid = {r: (by_row[r] + [""] * (width - len(by_row[r])))[:width] for r in data_rows}
    notices += _fill_merged(grid, best.merges, header_row, header)
    rows = np.array(data_rows, dtype=np.int64)
    columns = [pa.array([grid[r][i] for r in data_rows], pa.string()) for i in range(width)]
    table = _finish(columns, rows, header, header_row, best.rows[:first], "xlsx", None, notices, filename,
                    blank_lines=_gaps(data_rows))
    table.sheet, table.sheets = best.name, names
    return table


def _gaps(rows: list[int]) -> list[int]:
    """Row numbers missing between the first and last of `rows` (blank rows inside the data)."""
    out, seen = [], set(rows)
    if rows and rows[-1] - rows[0] + 1 - len(rows) <= 1000:
        out = [r for r in range(rows[0], rows[-1]) if r not in seen]
    return out


def _excel_sheets(data: bytes, mode: str):
    """(names of the visible worksheets, a function yielding each of them — or the one named — as a _Sheet)."""
    if mode == "sparse":
        return _sparse_sheets(data)
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = [m.name for m in workbook.sheets_metadata if _is_visible_worksheet(m)]

    def sheets(only=None):
        for name in names if only is None else [only]:
            sheet = workbook.get_sheet_by_name(name)
            # skip_empty_area=False keeps leading blank rows, so list index + 1 is Excel's row number
            rows = []
            for i, r in enumerate(sheet.to_python(skip_empty_area=False)):
                cells = [v if type(v) is str else cell_text(v) for v in r]
                if any(c.strip() for c in cells):
                    rows.append((i + 1, cells))
            strays = []
            for i, (row, cells) in enumerate(rows):
                if len(cells) > MAX_COLUMNS:
                    strays += [f"{_column_letter(c)}{row}" for c in range(MAX_COLUMNS, len(cells)) if cells[c].strip()]
                    rows[i] = (row, cells[:MAX_COLUMNS])
            rows = [(r, c) for r, c in rows if any(x.strip() for x in c)]
            yield _Sheet(name, rows, list(sheet.merged_cell_ranges or []), strays)

    return names, sheets


def _sparse_sheets(data: bytes):
    """Worksheets read cell by cell with openpyxl's streaming parser: only cells that hold a value cost memory."""
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.worksheet.cell_range import CellRange

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    names = [ws.title for ws in visible]

    def sheets(only=None):
        for ws in visible:
            if only is not None and ws.title != only:
                continue
            rows, strays = {}, []
            with ws._get_source() as source:
                parser = WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=workbook.epoch,
                                         date_formats=workbook._date_formats,
                                         timedelta_formats=workbook._timedelta_formats)
                for _, cells in parser.parse():
                    for cell in cells:
                        value = cell["value"]
                        if value is None or (isinstance(value, str) and not value.strip()):
                            continue
                        r, c = cell["row"], cell["column"]
                        if c > MAX_COLUMNS:
                            strays.append(f"{_column_letter(c - 1)}{r}")
                            continue
                        rows.setdefault(r, {})[c - 1] = cell_text(value)
                merged = parser.merged_cells.mergeCell if parser.merged_cells else []
            merges = []
            for m in merged:
                min_col, min_row, max_col, max_row = CellRange(m.ref).bounds
                merges.append(((min_row - 1, min_col - 1), (max_row - 1, max_col - 1)))
            out = []
            for r in sorted(rows):
                cells = rows[r]
                line = [""] * (max(cells) + 1)
                for c, v in cells.items():
                    line[c] = v
                out.append((r, line))
            yield _Sheet(ws.title, out, merges, strays)

    return names, sheets


def _column_letter(index: int) -> str:
    """0-based column index → Excel's letters (0 → A, 16383 → XFD)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_visible_worksheet(meta) -> bool:
    return str(meta.visible).rsplit(".", 1)[-1].lower() == "visible" and "worksheet" in str(meta.typ).lower()


def _fill_merged(grid: dict[int, list[str]], merged, header_row: int, header: list[str]) -> list[str]:
    """Copy each vertically merged data cell's value into every row it spans, as the analyst sees it."""
    spans = []
    for (r0, c0), (r1, _c1) in merged:
        if r0 + 1 <= header_row or r1 <= r0 or (r0 + 1) not in grid or c0 >= len(grid[r0 + 1]):
            continue
        value = grid[r0 + 1][c0]
        for r in range(r0 + 2, r1 + 2):
            if r in grid and not grid[r][c0].strip():
                grid[r][c0] = value
        name = header[c0].strip() if c0 < len(header) else ""
        spans.append(f"第 {r0 + 1}–{r1 + 1} 行“{name or f'第{c0 + 1}列'}”列")
    if not spans:
        return []
    more = f"等 {len(spans)} 处" if len(spans) > 3 else ""
    return [f"合并单元格的值已填入所跨的每一行（{'；'.join(spans[:3])}{more}）"]


def _excel_failure(data: bytes) -> str:
    """Why a file with a spreadsheet's magic bytes could not be read, as specifically as we can tell."""
    if data.startswith(OLE_MAGIC):
        return "无法读取这个 Excel 文件：可能已加密、已损坏，或不是 Excel 表格"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except Exception:  # zipfile also raises NotImplementedError, RuntimeError… on damaged archives
        return MSG_EXCEL_BROKEN
    if any(n.startswith("word/") for n in names):
        return "这是 Word 文档，不是表格；请上传 CSV、Excel 或 Parquet 文件"
    if any(n.startswith("ppt/") for n in names):
        return "这是 PowerPoint 演示文稿，不是表格；请上传 CSV、Excel 或 Parquet 文件"
    if not any(n.startswith("xl/") or n == "content.xml" for n in names):
        return "这是 ZIP 压缩包，不是表格；请解压后上传其中的 CSV 或 Excel 文件"
    return MSG_EXCEL_BROKEN


# ---------------------------------------------------------------- Parquet


def _read_parquet(data: bytes, filename: str) -> RawTable:
    if not data.strip():
        raise _rejected(filename, MSG_EMPTY)
    if not (data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC) and len(data) >= 12):
        raise _rejected(filename, MSG_PARQUET_BROKEN)
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:
        raise _rejected(filename, MSG_PARQUET_BROKEN) from exc
    table = _binary_as_text(table, filename)
    try:
        frame = table.to_pandas(date_as_object=False)
    except Exception as exc:
        raise _rejected(filename, MSG_PARQUET_BROKEN) from exc
    if len(frame) == 0:
        raise _rejected(filename, MSG_HEADER_ONLY)
    notices = []
    frame.columns = _unique_names([str(c).strip() for c in frame.columns], notices)
    # a pandas-written file may carry its index (e.g. hazard_id) as metadata rather than a column
    frame = frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex))
    return RawTable(frame, np.arange(2, len(frame) + 2, dtype=np.int64), 1, "parquet", None, notices)


def _binary_as_text(table: pa.Table, filename: str) -> pa.Table:
    """Byte-string columns as text (UTF-8, else GB18030); a cell that is neither is refused with its row."""
    for i, field in enumerate(table.schema):
        if not (pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type)
                or pa.types.is_fixed_size_binary(field.type)):
            continue
        out = []
        for r, v in enumerate(table.column(i).to_pylist()):
            text = None
            if v is not None:
                for encoding in ("utf-8", "gb18030"):
                    try:
                        text = v.decode(encoding)
                        break
                    except UnicodeDecodeError:
                        continue
                if text is None or "\x00" in text or CONTROL_CHARS.search(text):
                    raise Rejected([Problem(file=filename, row=r + 2, column=str(field.name), value=v[:12].hex(" "),
                                            reason="这一列存的是二进制数据，不是文字（既不是 UTF-8 也不是 GBK 编码）")])
            out.append(text)
        table = table.set_column(i, field.name, pa.array(out, pa.string()))
    return table


# ---------------------------------------------------------------- shared


def _finish(columns: list, rows: np.ndarray, header: list[str], header_row: int,
            preamble: list[tuple[int, list[str]]], fmt: str, encoding: str | None,
            notices: list[str], filename: str, blank_lines: list[int] = ()) -> RawTable:
    """Name the columns, drop blank rows and totals/footer rows, and refuse a file with no data."""
    notices = list(notices)
    if preamble:
        first = next((c.strip() for c in preamble[0][1] if c.strip()), "")
        label = "标题行" if all(sum(bool(c.strip()) for c in cells) <= 1 for _, cells in preamble) else "标题和说明行"
        notices.insert(0, f"已跳过表头上方的{label}（{_row_list([r for r, _ in preamble])}：{_clip(first)}）")
    table = pa.table({f"c{i}": col for i, col in enumerate(columns)}) if columns else pa.table({})
    # a pre-numbered template row (序号 filled, nothing else) is a blank row
    serial = [i for i, h in enumerate(header[: table.num_columns]) if header_key(h) in SERIAL_HEADERS]
    blank_row = _blank_rows(table, skip=serial)
    blank = list(blank_lines)
    if blank_row.any():
        keep = np.flatnonzero(~blank_row)
        last = keep[-1] if len(keep) else -1
        blank += [int(r) for r in rows[np.flatnonzero(blank_row)] if r < (rows[last] if last >= 0 else 0)]
        table, rows = table.take(pa.array(keep)), rows[keep]
    if blank:
        notices.append(f"已跳过数据中间的空行（{_row_list(sorted(blank))}）")
    table, rows = _drop_summary_rows(table, rows, notices)

    header = [h.strip() for h in header] + [""] * (table.num_columns - len(header))
    keep_columns, names, unnamed = [], [], []
    for i, name in enumerate(header[: table.num_columns]):
        if not name:
            if _blank_cells(table.column(i)).all():
                continue  # Excel's stray formatted columns and trailing delimiters: no name, no data
            name = f"第{i + 1}列"
            unnamed.append(name)
        keep_columns.append(i)
        names.append(name)
    if unnamed:
        notices.append(f"表头有空白单元格，这些列暂名为“{'”、“'.join(unnamed)}”")
    if len(rows) == 0:
        raise _rejected(filename, MSG_HEADER_ONLY, row=header_row)
    names = _unique_names(names, notices)
    table = table.select(keep_columns).rename_columns(names)
    frame = table.to_pandas()
    return RawTable(frame, rows, header_row, fmt, encoding, notices)


def _drop_summary_rows(table: pa.Table, rows: np.ndarray, notices: list[str]) -> tuple[pa.Table, np.ndarray]:
    """Drop 合计/总计/小计 rows wherever they are, and 注：/制表人： lines at the end."""
    n = table.num_rows
    top, bottom = 0, n
    dropped = []
    while top < bottom and _is_total(_row_cells(table, top)):
        dropped.append(("合计行", top))
        top += 1
    while bottom > top:
        cells = _row_cells(table, bottom - 1)
        kind = "合计行" if _is_total(cells) else "说明行" if _is_note(cells) else None
        if kind is None:
            break
        dropped.append((kind, bottom - 1))
        bottom -= 1
    middle = [int(i) + top for i in np.flatnonzero(_total_mask(table.slice(top, bottom - top)))]
    for kind, i in sorted(dropped, key=lambda d: d[1]):
        label = next(c.strip() for c in _row_cells(table, i) if c.strip())
        where = "表头下方" if i < top else "末尾"
        notices.append(f"已去掉{where}的{kind}（第 {rows[i]} 行：{_clip(label)}）")
    if middle:
        label = next(c.strip() for c in _row_cells(table, middle[0]) if c.strip())
        notices.append(f"已去掉数据中间的小计/合计行（{_row_list([rows[i] for i in middle])}：{_clip(label)}）")
    if top == 0 and bottom == n and not middle:
        return table, rows
    keep = np.setdiff1d(np.arange(top, bottom), np.array(middle, dtype=np.int64))
    return table.take(pa.array(keep)), rows[keep]


_TOTAL_RE2 = "(?i)" + TOTAL_ROW.pattern


def _total_mask(table: pa.Table) -> np.ndarray:
    """Rows whose first, second or third cell is a 合计/小计 label (checked with Arrow, a million rows at once)."""
    mask = np.zeros(table.num_rows, dtype=bool)
    for j in range(min(3, table.num_columns)):
        col = table.column(j)
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        # a town or category column repeats a few dozen values: each is read once
        col = pc.fill_null(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col, "")
        enc = pc.dictionary_encode(col)
        values = enc.dictionary if len(enc.dictionary) * 2 < len(enc) else col
        key = pc.replace_substring_regex(pc.utf8_normalize(values, "NFKC"), r"\s+", "")
        hit = pc.match_substring_regex(key, _TOTAL_RE2)
        mask |= _np_bool(pc.take(hit, enc.indices) if values is enc.dictionary else hit)
    return mask


def _row_cells(table: pa.Table, i: int) -> list[str]:
    return [table.column(j)[i].as_py() or "" for j in range(table.num_columns)]


def _is_total(cells: list[str]) -> bool:
    keys = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", c)) for c in cells]
    first = next((k for k in keys if k), "")
    return any(TOTAL_ROW.match(k) for k in {first, *keys[:3]} if k)


def _is_note(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) == 1 and bool(NOTE_ROW.match(unicodedata.normalize("NFKC", filled[0])))


def _unique_names(names: list[str], notices: list[str]) -> list[str]:
    """Header names made unique with " (2)", " (3)"… and a notice for each repeated one."""
    seen: Counter = Counter()
    taken = set(names)
    out = []
    for name in names:
        seen[name] += 1
        if seen[name] == 1:
            out.append(name)
            continue
        k = seen[name]
        while f"{name} ({k})" in taken:
            k += 1
        new = f"{name} ({k})"
        taken.add(new)
        out.append(new)
        notices.append(f"表头“{name}”出现了不止一次，第 {seen[name]} 个改名为“{new}”")
    return out


def _row_list(rows: list[int]) -> str:
    """"第 3 行", "第 1–2 行" or "第 5、9、12 行等 40 行" for a notice."""
    rows = [int(r) for r in rows]
    if len(rows) == 1:
        return f"第 {rows[0]} 行"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"第 {rows[0]}–{rows[-1]} 行"
    shown = "、".join(str(r) for r in rows[:5])
    return f"第 {shown} 行" + (f"等 {len(rows)} 行" if len(rows) > 5 else "")


def _clip(text: str, width: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _blank_rows(table: pa.Table, skip: list[int] = ()) -> np.ndarray:
    """Rows whose every cell (but those of the `skip` columns) is empty or whitespace."""
    blank = np.ones(table.num_rows, dtype=bool)
    for j, column in enumerate(table.columns):
        if j in skip:
            continue
        blank &= _blank_cells(column)
        if not blank.any():  # usually decided by the first column (an id is never blank)
            break
    return blank


def _blank_cells(column) -> np.ndarray:
    return _np_bool(pc.or_(pc.equal(column, ""), pc.utf8_is_space(column)))


def _np_bool(a) -> np.ndarray:
    return np.array(pc.fill_null(a, False).to_numpy(zero_copy_only=False), dtype=bool)
