"""The datasets of DESIGN §2: canonical columns, their Chinese aliases and types."""

from dataclasses import dataclass, field

import pyarrow as pa

from board.vocab import ESCALATIONS, SEVERITIES, STATUSES  # noqa: F401  (the ingest checks values against them)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | prose | town | integer | number | date | severity | escalation
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


def _c(name, kind, label, *aliases, required=False):
    return Column(name, kind, label, (label, *aliases), required)


TOWNS = Dataset("towns", "镇街名单", ("town_code",), (
    _c("town_code", "text", "镇街代码", "行政区划代码", "代码", required=True),
    _c("town_name", "text", "镇街名称", "镇街", "名称", required=True),
    _c("town_type", "text", "类型"),
    _c("population", "integer", "常住人口", "人口"),
    _c("area_km2", "number", "面积", "面积(平方公里)"),
    _c("grid_count", "integer", "网格数"),
    _c("lon", "lon", "经度"),
    _c("lat", "lat", "纬度"),
    _c("aliases", "text", "别名"),
))

HAZARDS = Dataset("hazards", "隐患问题台账", ("hazard_id",), (
    _c("hazard_id", "text", "隐患编号", "问题编号", "编号", required=True),
    _c("town", "town", "所属镇街", "镇街", "属地", "乡镇街道", required=True),
    _c("category", "text", "隐患类别", "问题类别", "类别", "领域"),
    _c("source", "text", "来源", "发现渠道", "问题来源"),
    _c("severity", "severity", "隐患等级", "等级", "风险等级"),
    _c("description", "prose", "问题描述", "隐患描述", "描述"),
    _c("unit_name", "text", "责任主体", "单位名称", "被检查单位", "场所名称"),
    _c("address", "prose", "地址", "详细地址"),
    _c("lon", "lon", "经度"),
    _c("lat", "lat", "纬度"),
    _c("department", "text", "责任部门", "牵头部门"),
    _c("leader", "text", "包案领导"),
    _c("found_date", "date", "发现日期", "发现时间", "上报时间", required=True),
    _c("deadline", "date", "整改期限", "整改时限", "限期"),
    _c("rectified_date", "date", "整改完成日期", "整改日期", "完成时间"),
    _c("closed_date", "date", "销号日期", "销号时间", "验收日期"),
    _c("escalation", "escalation", "督办层级", "督办等级"),
    _c("enforcement", "text", "执法结果", "处置结果"),
    _c("notice_no", "integer", "晾晒期号", "通报期号"),
))

INSPECTIONS = Dataset("inspections", "检查记录", ("inspection_id",), (
    _c("inspection_id", "text", "检查编号", required=True),
    _c("date", "date", "检查日期", required=True),
    _c("town", "town", "所属镇街", "镇街", required=True),
    _c("inspector_type", "text", "检查类型"),
    _c("unit_name", "text", "被检查单位"),
    _c("points_checked", "integer", "检查点位数"),
    _c("hazards_found", "integer", "发现隐患数"),
))

# Indicators arrive wide (one column per indicator, named as in the definitions
# file); these are the fixed columns, the indicator columns come from definitions.
INDICATORS = Dataset("indicators", "结果指标（月度）", ("month", "town", "indicator"), (
    _c("month", "month", "统计月份", "月份", required=True),
    _c("town", "town", "所属镇街", "镇街", required=True),
))

DATASETS = {d.name: d for d in (TOWNS, HAZARDS, INSPECTIONS, INDICATORS)}


_ARROW = {
    "text": pa.string(), "prose": pa.string(), "town": pa.string(), "severity": pa.string(),
    "integer": pa.int64(), "escalation": pa.int64(),
    "number": pa.float64(), "lon": pa.float64(), "lat": pa.float64(),
    "date": pa.date32(), "month": pa.date32(),
}


def arrow_schema(dataset: str) -> pa.Schema:
    """The Parquet schema of a stored batch: canonical columns plus the batch sequence."""
    if dataset == "indicators":
        fields = [("month", pa.date32()), ("town_code", pa.string()),
                  ("indicator", pa.string()), ("value", pa.float64())]
    else:
        fields = [("town_code" if c.kind == "town" else c.name, _ARROW[c.kind])
                  for c in DATASETS[dataset].columns]
    return pa.schema(fields + [("source_row", pa.int64()), ("batch_seq", pa.int64())])
