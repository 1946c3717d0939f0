"""The datasets of DESIGN §2: canonical columns, their Chinese aliases and types."""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from board import ROOT
from board.vocab import ESCALATIONS, SEVERITIES, STATUSES  # noqa: F401  (the ingest checks values against them)


@dataclass(frozen=True)
class Column:
    name: str
    # text | prose | district | district_ref | town | grid | integer | number | date | severity | escalation | notice
    # | flag | valid
    kind: str
    label: str  # the Chinese name shown to analysts
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


ALIASES_FILE = ROOT / "data" / "aliases.json"
VOCAB_FILE = ROOT / "data" / "vocab.json"

# canonical name, kind, the Chinese label shown to analysts, required; the aliases are in data/aliases.json
_COLUMNS = {
    # the city level (issue 15): a store may hold several districts (县市区); a one-district store needs none
    "districts": ("区县名单", ("district_code",), [
        ("district_code", "text", "区县代码", True), ("district_name", "text", "区县名称", True),
        ("population", "integer", "常住人口"), ("aliases", "text", "别名")]),
    "towns": ("镇街名单", ("town_code",), [
        ("town_code", "text", "镇街代码", True), ("town_name", "text", "镇街名称", True),
        ("town_type", "text", "类型"), ("population", "integer", "常住人口"), ("area_km2", "number", "面积"),
        ("grid_count", "integer", "网格数"), ("lon", "lon", "经度"), ("lat", "lat", "纬度"),
        ("aliases", "text", "别名"), ("district", "district", "所属区县")]),
    "hazards": ("隐患问题台账", ("hazard_id",), [
        ("hazard_id", "text", "隐患编号", True), ("town", "town", "所属镇街", True),
        ("category", "text", "隐患类别"), ("source", "text", "来源"), ("severity", "severity", "隐患等级"),
        ("description", "prose", "问题描述"), ("unit_name", "text", "责任主体"), ("address", "prose", "地址"),
        ("lon", "lon", "经度"), ("lat", "lat", "纬度"), ("department", "text", "责任部门"),
        ("leader", "text", "包案领导"), ("found_date", "date", "发现日期", True),
        ("deadline", "date", "整改期限"), ("rectified_date", "date", "整改完成日期"),
        ("closed_date", "date", "销号日期"),
        # yes/no columns are checked against the date beside them, not stored
        ("is_rectified", "flag", "是否整改"), ("is_closed", "flag", "是否销号"),
        ("escalation", "escalation", "督办层级"), ("enforcement", "text", "执法结果"),
        ("notice_no", "notice", "晾晒期号"), ("district", "district_ref", "所属区县")]),
    "inspections": ("检查记录", ("inspection_id",), [
        ("inspection_id", "text", "检查编号", True), ("date", "date", "检查日期", True),
        ("town", "town", "所属镇街", True), ("inspector_type", "text", "检查类型"),
        ("unit_name", "text", "被检查单位"), ("points_checked", "integer", "检查点位数"),
        ("hazards_found", "integer", "发现隐患数"), ("district", "district_ref", "所属区县")]),
    # Indicators arrive wide (one column per indicator, named as in the definitions
    # file); these are the fixed columns, the indicator columns come from definitions.
    "indicators": ("结果指标（月度）", ("month", "town", "indicator"), [
        ("month", "month", "统计月份", True), ("town", "town", "所属镇街", True),
        ("district", "district_ref", "所属区县")]),
    # the grid level (issue 14): a grid names its town like the ledger does; an event names its grid
    "grids": ("网格名单", ("grid_code",), [
        ("grid_code", "text", "网格编码", True), ("grid_name", "text", "网格名称", True),
        ("town", "town", "所属镇街", True), ("worker", "text", "网格员"),
        ("households", "integer", "户数"), ("population", "integer", "人口"),
        ("district", "district_ref", "所属区县")]),
    "grid_events": ("网格事件", ("event_id",), [
        ("event_id", "text", "事件编号", True), ("grid", "grid", "所属网格", True),
        ("reported_date", "date", "上报时间", True), ("category", "text", "事件类型"),
        ("source", "text", "来源"), ("deadline", "date", "办理时限"), ("closed_date", "date", "办结时间"),
        ("status", "text", "办理状态"), ("valid", "valid", "是否有效"), ("reporter", "text", "上报人")]),
}
FLAG_DATES = {"is_rectified": "rectified_date", "is_closed": "closed_date"}  # yes/no column → its date
# read from the file but not stored: a yes/no checked against its date, and a row's district (所属区县), which
# only tells apart two towns of one name in two districts (the town's own district is in the towns list)
NOT_STORED = ("flag", "district_ref")


def _load_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _datasets(aliases: dict) -> dict[str, "Dataset"]:
    out = {}
    for name, (label, key, columns) in _COLUMNS.items():
        cols = []
        for canon, kind, col_label, *required in columns:
            listed = [a for a in aliases.get(name, {}).get(canon, []) if a != col_label]
            cols.append(Column(canon, kind, col_label, tuple(dict.fromkeys([col_label, *listed])),
                               bool(required and required[0])))
        out[name] = Dataset(name, label, key, tuple(cols))
    return out


DATASETS = _datasets(_load_json(ALIASES_FILE))
DISTRICTS, TOWNS, HAZARDS, INSPECTIONS, INDICATORS, GRIDS, GRID_EVENTS = (
    DATASETS[n] for n in ("districts", "towns", "hazards", "inspections", "indicators", "grids", "grid_events"))
# a reference column is stored as the code it resolves to
STORED_AS = {"district": "district_code", "town": "town_code", "grid": "grid_code"}


def stored_name(column: Column) -> str:
    """The column's name in a stored batch: a town or grid reference is stored as its code."""
    return STORED_AS.get(column.kind, column.name)


_ARROW = {
    "text": pa.string(), "prose": pa.string(), "district": pa.string(), "town": pa.string(), "grid": pa.string(), "severity": pa.string(),
    "valid": pa.bool_(),
    "integer": pa.int64(), "escalation": pa.int64(), "notice": pa.int64(),
    "number": pa.float64(), "lon": pa.float64(), "lat": pa.float64(),
    "date": pa.date32(), "month": pa.date32(),
}


def arrow_schema(dataset: str) -> pa.Schema:
    """The Parquet schema of a stored batch: canonical columns plus the batch sequence."""
    if dataset == "indicators":
        fields = [("month", pa.date32()), ("town_code", pa.string()),
                  ("indicator", pa.string()), ("value", pa.float64())]
    else:
        fields = [(stored_name(c), _ARROW[c.kind])
                  for c in DATASETS[dataset].columns if c.kind not in NOT_STORED]
    return pa.schema(fields + [("source_row", pa.int64()), ("batch_seq", pa.int64())])


def header_key(text: str) -> str:
    """A header reduced for matching: NFKC, no spaces or brackets' contents such as （街道）（人）, 时间 read as 日期."""
    t = unicodedata.normalize("NFKC", str(text)).lower()
    t = "".join(t.split()).translate(_BRACKETS).strip("*:")
    t = re.sub(r"\([^()]*\)", "", t).strip("*:")  # 乡镇(街道)名称 → 乡镇名称; 常住人口(人) → 常住人口
    return t.replace("时间", "日期")


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "{": "(", "}": ")",
                           "<": "(", ">": ")", "《": "(", "》": ")"})


def vocabulary() -> dict:
    """The value spellings analysts may extend (data/vocab.json)."""
    return _load_json(VOCAB_FILE)
