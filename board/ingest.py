"""Upload path: read → map columns → parse → validate in full → report, or commit one batch.

Nothing is written unless the whole file is valid (DESIGN §4). Every problem is
reported with the file, the row as the analyst sees it in Excel, the column as
it is headed in the file, the value and the reason, in plain Chinese.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from board import auth, db, definitions as defs, messages
from board.errors import Problem, Rejected
from board.parse import (normalise_key, normalise_text, parse_dates, parse_integers,
                         parse_month, parse_numbers)
from board.readers import RawTable, read_table
from board.schema import (DATASETS, ESCALATIONS, FLAG_DATES, NOT_STORED, Dataset, arrow_schema, header_key,
                          stored_name, vocabulary)
from board.store import Duplicate, Store

MAX_PER_KIND = 200  # problems shown on the page per (column, reason); the report and download list every row
SUGGEST_CUTOFF = 80  # rapidfuzz WRatio a header needs to be suggested (never applied without the analyst)
SERIAL_HEADERS = {"序号", "序", "no", "no."}
UNKNOWN_TOWN = ("unspecified", "unknown", "n/a", "na", "none", "未知", "不详", "未划分", "无")
# C0/C1 controls (tab and line ends excepted), zero-width and bidi controls, BOM, interlinear annotation
INVISIBLE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
# the same class as Arrow's RE2 spells it: pandas runs a pattern with \u escapes through Python's re row by row
# (2 s for the text columns of a 500k-row ledger), Arrow at C speed
_INVISIBLE_RE2 = re.sub(r"\\u([0-9a-f]{4})", r"\\x{\1}", INVISIBLE)
SHOWN_IN_TEXT = 30  # problem lines in the plain-text report; the full list is in the JSON / XLSX


@dataclass
class Report:
    """What an upload did or would do, for the CLI and the upload page alike."""

    file: str
    dataset: str | None = None
    rows: int = 0
    added: int = 0
    updated: int = 0
    committed: bool = False
    batch_id: str | None = None
    duplicate_of: str | None = None
    new_towns: list[str] = field(default_factory=list)
    new_town_districts: dict[str, str | None] = field(default_factory=dict)  # new town → its district's code
    mapping: dict[str, str] = field(default_factory=dict)  # canonical column → header in the file
    unused_columns: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    as_of_date: str | None = None
    sheet: str | None = None  # the worksheet read, for Excel
    sheets: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)  # canonical → header the analyst may confirm
    unknown_values: dict[str, list[str]] = field(default_factory=dict)  # canonical → values no vocabulary knows
    partial: bool = False  # the analyst asked to set bad rows aside
    set_aside: int = 0  # rows set aside (kept in the batch with their reasons)
    structural: bool = False  # the file as a whole cannot be loaded (no row-by-row way forward)
    tables: list = field(default_factory=list, repr=False)  # (dataset, Arrow table) to commit
    set_aside_table: object = field(default=None, repr=False)  # pandas frame: the rows set aside, as in the file

    @property
    def ok(self) -> bool:
        return not self.problems or self.set_aside > 0

    def map_lines(self) -> list[str]:
        """The --map arguments that would apply the suggestions."""
        return [f"--map {c}={h}" for c, h in self.suggestions.items()]

    def summary(self) -> list[tuple[tuple[str | None, str], int]]:
        """(column, reason) → how many rows, most frequent first; the line an analyst reads first."""
        counts: dict = {}
        for p in self.problems:
            more = re.fullmatch(r"……同样的问题另有 (\d+) 行未逐一列出：(.*)", p.reason, re.S)
            if p.row is None and more:
                key = (p.column, more.group(2))
                counts[key] = counts.get(key, 0) + int(more.group(1))
            else:
                counts[(p.column, p.reason)] = counts.get((p.column, p.reason), 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])

    def as_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k not in ("problems", "tables", "set_aside_table")}
        d["ok"] = self.ok
        d["problems"] = [p.as_dict() for p in self.problems]
        return d

    def text(self) -> str:
        """The report as plain Chinese lines."""
        label = DATASETS[self.dataset].label if self.dataset else "未知数据"
        lines = []
        if self.problems and self.set_aside:
            verb = "已导入" if self.committed else "可导入（未写入）"
            lines.append(f"✓ {verb}：{self.file}（{label}）{self.rows - self.set_aside} 行，新增 {self.added}，"
                         f"更新 {self.updated}" + (f"，批次 {self.batch_id}" if self.batch_id else "") + "。")
            if self.new_towns:
                lines.append(f"  新登记镇街 {len(self.new_towns)} 个：{'、'.join(self.new_towns[:30])}")
            if self.as_of_date:
                lines.append(f"  数据截至日期：{self.as_of_date}")
            lines.append(f"  另有 {self.set_aside} 行有问题，已按要求放在一边（保存在批次中，可下载；改好后重新上传即可按编号补上）：")
            for (column, reason), n in self.summary():
                lines.append(f"  · {f'“{column}”列：' if column else ''}{reason}（{n} 行）")
            lines += [f"  - {p}" for p in self.problems[:SHOWN_IN_TEXT]]
            if len(self.problems) > SHOWN_IN_TEXT:
                lines.append(f"  ……其余 {len(self.problems) - SHOWN_IN_TEXT} 条见完整报告（--json 或上传页下载）")
        elif self.problems:
            lines.append(f"✗ 未导入：{self.file}（{label}）发现问题，仓库未做任何改动。")
            for (column, reason), n in self.summary():
                lines.append(f"  · {f'“{column}”列：' if column else ''}{reason}（{n} 处）")
            lines += [f"  - {p}" for p in self.problems[:SHOWN_IN_TEXT]]
            if len(self.problems) > SHOWN_IN_TEXT:
                lines.append(f"  ……其余 {len(self.problems) - SHOWN_IN_TEXT} 条见完整报告（--json 或上传页下载）")
        elif self.duplicate_of:
            lines.append(f"= 未新增：{self.file} 与批次 {self.duplicate_of} 完全相同（同一文件已上传过）。")
        else:
            verb = "已导入" if self.committed else "校验通过（未写入）"
            lines.append(f"✓ {verb}：{self.file}（{label}）{self.rows} 行，新增 {self.added}，更新 {self.updated}"
                         + (f"，批次 {self.batch_id}" if self.batch_id else "") + "。")
            if self.new_towns:
                lines.append(f"  新登记镇街 {len(self.new_towns)} 个：{'、'.join(self.new_towns[:30])}")
            if self.as_of_date:
                lines.append(f"  数据截至日期：{self.as_of_date}")
        if self.suggestions:
            lines.append("  建议：以下列名没有自动采用，确认无误可在命令后加上：")
            lines += [f"    {m}" for m in self.map_lines()]
        if self.problems and not self.set_aside and not self.structural:
            lines.append("  提示：可加 --partial 先导入没有问题的行，有问题的行放在一边（保存在批次中，可下载）。")
        lines += [f"  注意：{n}" for n in self.notices]
        return "\n".join(lines)


def ingest(store: Store, data: bytes, filename: str, *, dataset: str | None = None,
           mapping: dict[str, str] | None = None, user: str = "", dry_run: bool = False,
           add_towns: bool = False, today: date | None = None, kind: str = "real",
           partial: bool = False, sheet: str | None = None,
           values: dict[str, dict[str, str]] | None = None, scope: frozenset[str] | None = None) -> Report:
    """Validate an upload in full; commit it as one batch unless dry_run or rejected.

    partial: commit the valid rows and set the others aside (kept in the batch with their reasons);
    a structural problem (unreadable, wrong dataset, required column missing, every row bad) still
    refuses the whole file. sheet: the worksheet to read. values: the analyst's value mapping,
    canonical column → {value as written → value the board knows}. scope: the districts (codes or names,
    as board.auth.scope gives them) the uploading account may touch, None for the whole city; a row of a
    town in another district is a problem of that row, and only a city account may upload districts.
    """
    report = Report(file=Path(filename).name, partial=partial)
    # read before the checks: a commit after this point, even one they saw, makes the recheck run in full
    validated = store.version()
    try:
        _prepare(store, data, report, dataset, mapping or {}, add_towns, today or date.today(), sheet,
                 values or {}, scope, user)
    except Rejected as r:
        report.problems = r.problems
        report.structural = True
        return report
    except Exception:  # a case no rule foresaw: still a Chinese refusal, the traceback only in the log
        logging.getLogger(__name__).exception("ingest of %s failed", report.file)
        report.problems = [Problem(report.file, "这个文件无法处理（程序遇到了没有预料到的内容），仓库未做任何改动；"
                                                "请把文件交给管理员查看")]
        return report
    if not report.ok:
        return report
    dup = store.duplicate_of(hashlib.sha256(data).hexdigest(), report.dataset)
    if dup:
        report.duplicate_of = dup.batch_id
    if dup or dry_run:
        return report
    try:
        batches = store.commit_many(report.tables, report.file, data, user,
                                    notices=report.notices, kind=kind, added=report.added,
                                    updated=report.updated, set_aside=report.set_aside_table,
                                    recheck=lambda state: _recheck(state, report, scope, user, validated))
    except Rejected as r:
        report.problems = r.problems
        return report
    except Duplicate as d:
        report.duplicate_of = d.batch.batch_id
        return report
    report.committed = True
    report.batch_id = batches[-1].batch_id
    return report


def ingest_path(store: Store, path: Path | str, **kw) -> Report:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return Report(file=path.name or str(path), problems=[Problem(path.name or str(path),
                                                                    f"无法读取文件：{messages.file_error(e)}")])
    return ingest(store, data, path.name, **kw)


# -- the steps ------------------------------------------------------------------


def _prepare(store, data, report, dataset, mapping, add_towns, today, sheet=None, values=None, scope=None,
             user=""):
    state = store.state()
    definitions = defs.load(store, state)
    hints = {a for d in DATASETS.values() for c in d.columns for a in c.aliases}
    hints |= {i["name"] for i in defs.indicators(definitions)}
    hints |= set(mapping.values())
    raw = read_table(data, report.file, hints, sheet=sheet)
    report.sheet, report.sheets = raw.sheet, raw.sheets
    report.notices += raw.notices
    headers = list(raw.frame.columns)
    report.dataset = dataset or detect_dataset(headers, definitions, report.file)
    ds = DATASETS[report.dataset]
    con = db.connect(state)
    places = _places(con, scope, user)
    if report.dataset == "districts" and places.scope is not None:
        raise Rejected([Problem(report.file, f"区县名单只能由全市的分析员账号上传；账号“{user}”只能上传 "
                                             f"{places.scope_label} 的数据")])
    report.mapping = map_columns(ds, headers, mapping, definitions, report.file, notes=report.notices,
                                 suggested=report.suggestions)
    used = set(report.mapping.values()) | set(report.suggestions.values())
    report.unused_columns = [h for h in headers if h not in used and header_key(h) not in SERIAL_HEADERS]
    if report.unused_columns:
        report.notices.append("以下列未使用：" + "、".join(map(str, report.unused_columns[:20]))
                              + ("……" if len(report.unused_columns) > 20 else ""))
    if report.dataset == "indicators":
        frame, problems = _indicators(raw, report, definitions, places, add_towns)
    else:
        grids = None
        if any(c.kind == "grid" for c in ds.columns):
            grids = db.run(con, "grid_lookup")
            places.grid_town = dict(db.run(con, "grid_towns").itertuples(index=False))
        frame, problems = _typed(raw, ds, report, places, add_towns, today, values or {}, grids)
        problems += _keys_in_scope(con, frame, report, places)
    if report.dataset in REGISTERS and not problems:
        problems = _name_conflicts(frame, db.run(con, REGISTERS[report.dataset].query), report)
    report.rows = len(raw.frame)
    report.problems = _collapse(problems, raw, report.file)
    if report.problems:
        bad = _bad_positions(problems)
        if not report.partial or bad is None:
            report.structural = bad is None
            return
        if len(bad) >= len(raw.frame):
            report.structural = True
            report.problems.insert(0, Problem(report.file, f"全部 {len(raw.frame)} 行都有问题，没有可以导入的行"))
            return
        report.set_aside = len(bad)
        report.set_aside_table = _set_aside_frame(raw, problems, bad)
        keep = np.setdiff1d(np.arange(len(raw.frame)), bad)
        if report.dataset == "indicators":
            frame = frame[~frame["source_row"].isin(raw.rows[bad])].reset_index(drop=True)
        else:
            frame = frame.iloc[keep].reset_index(drop=True)
        rows = raw.rows[keep]
    else:
        rows = raw.rows
    report.notices += _placeholder_points(frame, report)
    report.notices += _implausible(frame, report, today)
    if report.dataset != "indicators":
        frame = frame.drop(columns=[c.name for c in ds.columns if c.kind in NOT_STORED], errors="ignore")
        frame["source_row"] = rows.astype("int64")
    table = pa.Table.from_pandas(frame, schema=arrow_schema(report.dataset).remove(
        arrow_schema(report.dataset).get_field_index("batch_seq")), preserve_index=False)
    tables = []
    if report.new_towns:
        tables.append(("towns", _new_towns_table(report.new_towns, report.new_town_districts)))
    tables.append((report.dataset, table))
    report.tables = tables
    report.added, report.updated = _added_updated(con, report.dataset, table)
    if report.dataset == "hazards":
        latest = pd.concat([frame["found_date"], frame["rectified_date"], frame["closed_date"]]).max()
        report.as_of_date = None if pd.isna(latest) else str(_as_of_after(con, latest).date())


def _bad_positions(problems: list[tuple]) -> np.ndarray | None:
    """Frame positions of every row with a problem; None when a problem is not of any row (structural)."""
    if any(len(p[0]) == 0 for p in problems):
        return None
    return np.unique(np.concatenate([np.asarray(p[0], dtype=np.int64) for p in problems]))


def _set_aside_frame(raw: RawTable, problems: list[tuple], bad: np.ndarray) -> pd.DataFrame:
    """The rows set aside as the file has them, with their Excel row numbers and every reason."""
    reasons: dict[int, list[str]] = {}
    for positions, header, reason, *_ in problems:
        for p in positions:
            reasons.setdefault(int(p), []).append(f"“{header}”列：{reason}" if header else reason)
    cells = raw.frame.iloc[bad].astype("string").fillna("")
    out = pd.DataFrame({"Excel行号": raw.rows[bad].astype("int64"),
                        "原因": ["；".join(reasons[int(p)]) for p in bad]})
    for c in cells.columns:
        out[str(c) if str(c) not in out else f"{c}（文件）"] = cells[c].to_numpy()
    return out


def _recheck(state, report: Report, scope: frozenset[str] | None = None, user: str = "",
             validated: int | None = None) -> tuple[int, int]:
    """Under the writers' lock: town references still one way, no key of a scoped upload taken from another
    district since, and added/updated against the store as it now is (another upload may have committed since
    this one was validated). validated: the store's version the checks read; while it still stands, so does
    every check and count made against it."""
    if validated is not None and state.seq == validated:
        return report.added, report.updated
    con = db.connect(state)
    dataset, table = report.tables[-1]
    if scope is not None and (dataset in KEY_OWNERS or dataset == "towns"):
        places = _places(con, scope, user)
        columns = ["town_code", "town_name", "district_code"] if dataset == "towns" else [DATASETS[dataset].key[0]]
        frame = table.select(columns).to_pandas()
        problems = _towns_in_scope(frame, report, places) if dataset == "towns" \
            else _keys_in_scope(con, frame, report, places)
        if problems:
            raise Rejected([Problem(report.file, reason, column=header) for _, header, reason in problems])
    if dataset in REGISTERS:
        register = REGISTERS[dataset]
        frame = table.select([register.code, register.name, "aliases", *register.group]).to_pandas()
        problems = _name_conflicts(frame, db.run(con, register.query), Report(file=report.file,
                                                                             mapping=report.mapping,
                                                                             dataset=dataset))
        if problems:
            raise Rejected([Problem(report.file, reason, column=header) for _, header, reason in problems])
    report.added, report.updated = _added_updated(con, dataset, table)
    return report.added, report.updated


def _implausible(frame: pd.DataFrame, report: Report, today: date) -> list[str]:
    """Said, not refused: ids that differ only in case (two hazards, perhaps meant as one) and deadlines
    more than five years ahead (2099-12-31 is a placeholder more often than a plan)."""
    out = []
    key = DATASETS[report.dataset].key[0] if report.dataset != "indicators" else None
    if key in frame:
        ids = frame[key].dropna().astype(str)
        # casefold is Python's, row by row; on ASCII ids it is lower case, which Arrow does at once
        ascii_only = pc.all(pc.string_is_ascii(pa.array(ids, type=pa.string()))).as_py() is not False
        folded = ids.str.lower() if ascii_only else ids.str.casefold()
        same = _repeated(folded)
        clash = ids[same & ~_repeated(ids)] if same.any() else ids[:0]
        if len(clash):
            sample = "、".join(sorted(set(clash))[:6])
            out.append(f"有 {len(clash)} 个编号只差大小写（如 {sample}），按不同的隐患分别记录；如果是同一条，请统一写法")
    if "deadline" in frame:
        far = pd.Timestamp(today) + pd.DateOffset(years=5)
        late = frame["deadline"] > far
        if late.any():
            out.append(f"{int(late.sum())} 行的整改期限晚于 {far:%Y-%m-%d}（最晚 {frame['deadline'].max():%Y-%m-%d}），"
                       "疑似占位日期；这些隐患在期限前不会算作逾期，请向数据来源核实")
    return out


def _placeholder_points(frame: pd.DataFrame, report: Report) -> list[str]:
    """Warn when many rows share one exact point: real systems write a placeholder when the address failed."""
    if "lon" not in frame or "lat" not in frame:
        return []
    pts = frame[["lon", "lat"]].dropna()
    if len(pts) == 0:
        return []
    counts = pts.value_counts()
    (lon, lat), n = counts.index[0], int(counts.iloc[0])
    if n < max(20, 0.01 * len(pts)):
        return []
    return [f"{n} 行的坐标完全相同（经度 {lon:g}，纬度 {lat:g}），疑似系统填写的占位坐标；"
            f"这些隐患在地图上会叠在同一点，请向数据来源核实"]


def detect_dataset(headers: list[str], definitions: dict, filename: str) -> str:
    """The dataset whose aliases the headers match best."""
    keys = {header_key(h) for h in headers}
    matched = {ds.name: _auto_match(ds, headers) for ds in DATASETS.values()}
    scores = {name: len(m) for name, m in matched.items()}
    # 区县代码 / 区县名称 are a districts list's own columns and a towns list's 所属区县: a file that names
    # towns is a towns list, a file that names districts by code and no town is a districts list
    if {"town_code", "town_name"} & set(matched["towns"]):
        scores["districts"] = 0
    elif "district_code" in matched["districts"]:
        scores["towns"] = 0
    scores["indicators"] += sum(1 for i in defs.indicators(definitions)
                                if header_key(i["name"]) in keys or header_key(i["code"]) in keys)
    if "month" not in _auto_match(DATASETS["indicators"], headers):
        scores["indicators"] = 0
    best = sorted(scores.items(), key=lambda kv: -kv[1])
    if best[0][1] < 2 or best[0][1] == best[1][1]:
        raise Rejected([Problem(filename, "无法从表头判断这是哪类数据（区县名单、镇街名单、隐患台账、检查记录、结果指标、网格名单或网格事件）。"
                                          "请在上传时指定数据类型，并把列对应到标准列。",
                                value="、".join(map(str, headers[:12])))])
    return best[0][0]


def _auto_match(ds: Dataset, headers: list[str], taken: set[str] = frozenset()) -> dict[str, tuple[str, str]]:
    """canonical → (header, how) for the headers the rules apply by themselves.

    how: "alias" (an alias as written, up to width, case and spaces), "normalised" (after dropping a
    bracketed part such as （街道）and reading 时间 as 日期), "near" (one character away from exactly
    one column's alias of at least four characters). Each rule runs over every column before the next,
    so a looser rule never takes a header a stricter one gives to another column.
    """
    result: dict[str, tuple[str, str]] = {}
    used = set(taken)
    free = [h for h in headers if header_key(h) not in SERIAL_HEADERS]
    rules = [  # (how, key of a header, key of an alias)
        ("alias", normalise_key, normalise_key),
        ("normalised", header_key, header_key),
        # "整改情况/完成时间" (a leaf repeated under two groups): the group's word joined to the leaf
        ("normalised", _grouped_key, header_key),
    ]
    for how, keyf, alias_keyf in rules:
        for c in ds.columns:
            if c.name in result:
                continue
            keys = {alias_keyf(a) for a in c.aliases}
            h = next((h for h in free if h not in used and keyf(h) in keys), None)
            if h is not None:
                result[c.name] = (h, how)
                used.add(h)
    # one character away: only when exactly one column has such an alias
    for h in free:
        if h in used:
            continue
        key = header_key(h)
        if len(key) < 4:
            continue
        near = {c.name for c in ds.columns if c.name not in result
                for a in c.aliases if len(header_key(a)) >= 4 and Levenshtein.distance(key, header_key(a)) <= 1}
        if len(near) == 1:
            name = near.pop()
            others = {c.name for c in ds.columns for a in c.aliases
                      if len(header_key(a)) >= 4 and Levenshtein.distance(key, header_key(a)) <= 1}
            if others == {name}:
                result[name] = (h, "near")
                used.add(h)
    return result


def _grouped_key(text: str) -> str:
    """"整改情况/完成时间" → the key of "整改完成时间"; other headers → a key no alias has."""
    group, sep, leaf = str(text).rpartition("/")
    if not sep:
        return "\x00"
    return header_key(re.sub(r"(情况|信息|环节)$", "", group.strip()) + leaf)


def map_columns(ds: Dataset, headers: list[str], mapping: dict[str, str], definitions: dict,
                filename: str, notes: list[str] | None = None,
                suggested: dict[str, str] | None = None) -> dict[str, str]:
    """canonical column → header in the file, by the analyst's mapping first, then by the alias rules.

    notes receives a notice for each header applied by a rule looser than an exact alias;
    suggested receives canonical → header for likely matches the analyst must confirm.
    """
    result = {}
    problems = []
    for canon, header in mapping.items():
        if header not in headers:
            problems.append(Problem(filename, f"映射指定的列“{header}”在文件中不存在", column=header))
        elif canon not in {c.name for c in ds.columns} and ds.name != "indicators":
            problems.append(Problem(filename, f"“{ds.label}”没有标准列 {canon}", column=header))
        else:
            result[canon] = header
    taken = set(result.values())
    for canon, (h, how) in _auto_match(ds, headers, taken).items():
        if canon in result:
            continue
        result[canon] = h
        if how != "alias" and notes is not None:
            notes.append(f"“{h}”按“{ds.column(canon).label}”读取")
    hints = _suggest(ds, headers, result)
    if suggested is not None:
        suggested.update(hints)
    missing = [c for c in ds.columns if c.required and c.name not in result]
    if missing:
        other = _looks_like_other(ds, headers, definitions)
        for c in missing:
            reason = f"缺少必填列“{c.label}”（可用列名：{'、'.join(c.aliases)}）"
            if c.name in hints:
                reason += f"；文件中的“{hints[c.name]}”可能就是，确认后可在上传页选择，或在命令后加 --map {c.name}={hints[c.name]}"
            if other:
                reason += f"；这个文件看起来是“{DATASETS[other].label}”，不是“{ds.label}”"
            problems.append(Problem(filename, reason, column=c.label))
    if problems:
        raise Rejected(problems)
    return result


def _suggest(ds: Dataset, headers: list[str], matched: dict[str, str]) -> dict[str, str]:
    """canonical → header that resembles one of its aliases (rapidfuzz), for columns still unmatched."""
    free = [h for h in headers if h not in set(matched.values()) and header_key(h) not in SERIAL_HEADERS
            and header_key(h)]
    if not free:
        return {}
    best: dict[str, tuple[float, str]] = {}
    for c in ds.columns:
        if c.name in matched:
            continue
        for a in c.aliases:
            hit = process.extractOne(header_key(a), {h: header_key(h) for h in free}, scorer=fuzz.WRatio,
                                     score_cutoff=SUGGEST_CUTOFF)
            if hit and hit[1] > best.get(c.name, (0, ""))[0]:
                best[c.name] = (hit[1], hit[2])
    out, used = {}, set()
    for name, (score, h) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        if h not in used:
            out[name] = h
            used.add(h)
    return {c.name: out[c.name] for c in ds.columns if c.name in out}


def _looks_like_other(ds, headers, definitions):
    try:
        other = detect_dataset(headers, definitions, "")
    except Rejected:
        return None
    return other if other != ds.name else None


def _typed(raw: RawTable, ds: Dataset, report: Report, places: "Places", add_towns: bool,
           today: date, values_map: dict[str, dict[str, str]] | None = None, grids: pd.DataFrame | None = None):
    """Parse every mapped column to its type; problems for values that cannot be read."""
    src = raw.frame
    vocab = _vocabularies(values_map or {})
    out = pd.DataFrame(index=src.index)
    problems: list[tuple] = []  # (frame positions, header, reason)

    def bad(mask, header, reason):
        if mask.any():
            problems.append((np.flatnonzero(mask), header, reason))

    row_districts = _row_districts(src, ds, report, places, problems)
    for c in ds.columns:
        header = report.mapping.get(c.name)
        s = src[header] if header is not None else pd.Series([""] * len(src), index=src.index)
        if c.kind in ("text", "town", "severity", "district"):
            values = _text(s)
            # a name or code must read as it is: a right-to-left override shows 道街湖东 as 东湖街道.
            # Refused rather than stripped, because stripping could quietly make it another town's name.
            bad(_invisible(values), header,
                "含有看不见的控制字符或文字方向字符（如 U+202E），显示出来的与实际内容不同；请删去后再上传")
        if c.kind == "text":
            out[c.name] = values
        elif c.kind == "district":
            out["district_code"] = _town_districts(values, header, places, problems)
        elif c.kind == "district_ref":
            pass  # read before the loop: it tells which town a shared name means, and is not stored
        elif c.kind == "prose":
            # free text is kept as the analyst wrote it (no NFKC folding), only its ends trimmed; invisible
            # characters are kept but shown, as \u202e, so the text cannot read differently from what it is
            t = s.astype("string").fillna("").str.strip()
            hidden = _invisible(t)
            if hidden.any():
                t = t.copy()
                t[hidden] = t[hidden].str.replace(INVISIBLE, lambda m: f"\\u{ord(m.group(0)):04x}", regex=True)
                report.notices.append(f"“{header}”列有 {int(hidden.sum())} 个单元格含看不见的控制字符或"
                                      "文字方向字符，已按 \\uXXXX 的形式显示出来")
            out[c.name] = t.where(t != "")
        elif c.kind == "severity":
            known = _by_vocab(values, vocab["severity"])
            out[c.name] = known
            unknown = values.notna().to_numpy() & known.isna().to_numpy()
            _note_unknown(report, c.name, values[unknown])
            bad(unknown, header, "隐患等级只能是 一般、较大、重大（一般隐患、重大事故隐患等写法也可以）")
        elif c.kind == "flag":
            flags = _by_vocab(_text(s), vocab[c.name])
            out[c.name] = flags
            raw_text = _text(s)
            unknown = raw_text.notna().to_numpy() & flags.isna().to_numpy()
            _note_unknown(report, c.name, raw_text[unknown])
            bad(unknown, header, "只能填 是 或 否（已/未 也可以）")
        elif c.kind == "town":
            # exports write "Unspecified" or 未知 where the area is not known: that is an empty town
            values = values.where(~values.fillna("").str.lower().isin(UNKNOWN_TOWN), None)
            out["town_code"] = _town_refs(values, header, places, report, add_towns, row_districts, problems)
        elif c.kind == "grid":
            codes, unknown = _resolve_towns(_text(s), grids, "grid_code")  # named by its code or its name
            out["grid_code"] = codes
            bad(unknown, header, "网格不在网格名单中（编码、名称都对不上）" + ("；请先上传网格名单" if grids.empty else ""))
            problems += _grids_in_scope(codes, header, places)
        elif c.kind == "valid":
            raw_text = _text(s)
            flags = _by_vocab(raw_text, vocab[c.name])
            out[c.name] = flags.map({"是": True, "否": False}).astype("boolean")
            unknown = raw_text.notna().to_numpy() & flags.isna().to_numpy()
            _note_unknown(report, c.name, raw_text[unknown])
            bad(unknown, header, "只能填 是/否 或 有效/无效")
        elif c.kind == "date":
            values, b = parse_dates(s)
            out[c.name] = values
            bad(b, header, "日期无法识别或不存在（可用 2022-03-05、2022/3/5、2022年3月5日、2022.03.05 或 Excel 日期）")
        elif c.kind == "escalation":
            values, b = _escalations(s, vocab["escalation"])
            out[c.name] = values
            _note_unknown(report, c.name, _text(s)[b])
            bad(b, header, "督办层级只能是 0 无、1 提醒、2 警示（约谈）、3 执法（一次提醒、二次警示、三次执法、移送执法也可以）")
        elif c.kind == "notice":
            values, b = _notice_numbers(s)
            out[c.name] = values
            bad(b, header, "应为期号（12、第12期、第十二期）")
        elif c.kind == "integer":
            values, b = _integers(s, c.kind)
            out[c.name] = values
            bad(b, header, "应为整数")
        else:  # number, lon, lat
            values, b = parse_numbers(s)
            out[c.name] = values
            bad(b, header, "应为数字")
    for flag, date_col in FLAG_DATES.items():
        if flag not in out or report.mapping.get(flag) is None or report.mapping.get(date_col) is None:
            continue
        label = ds.column(date_col).label
        yes, has_date = (out[flag] == "是").fillna(False).to_numpy(), out[date_col].notna().to_numpy()
        no = (out[flag] == "否").fillna(False).to_numpy()
        bad(yes & ~has_date, report.mapping[flag], f"填了“是”，却没有{label}")
        bad(no & has_date, report.mapping[flag], f"填了“否”，却有{label}")
    if ds.name == "towns":
        problems += _towns_in_scope(out, report, places)
    # rules run even when some cells did not parse, so one report lists everything to fix;
    # a cell already reported as unreadable is not reported again as empty
    seen = {(int(i), h) for pos, h, *_ in problems for i in pos}
    for pos, header, reason, *rest in _check_rules(out, ds, report, today):
        keep = np.array([i for i in pos if (int(i), header) not in seen], dtype=int)
        if len(keep):
            problems.append((keep, header, reason, *rest))
    return out, problems


def _invisible(values: pd.Series) -> np.ndarray:
    """Cells holding a character of INVISIBLE (missing cells hold none)."""
    hit = pc.match_substring_regex(pa.array(values, type=pa.string(), from_pandas=True), _INVISIBLE_RE2)
    return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)


def _text(s: pd.Series) -> pd.Series:
    """Normalised text, empty cells missing; Arrow-backed str, not object (a tenth of the memory and time)."""
    t = normalise_text(s.astype("string").fillna(""))
    return t.where(t != "")


def _vocabularies(values_map: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Per column: normalised spelling → the value the board knows (data/vocab.json plus the analyst's mapping)."""
    v = vocabulary()
    base = {name: {normalise_key(w): canon for canon, words in v[name].items() for w in [canon, *words]}
            for name in ("severity", "escalation", "yes_no")}
    out = {}
    for column, name in (("severity", "severity"), ("escalation", "escalation"),
                         ("is_rectified", "yes_no"), ("is_closed", "yes_no"), ("valid", "yes_no")):
        table = dict(base[name])
        table.update({normalise_key(k): str(val) for k, val in values_map.get(column, {}).items()
                      if val not in (None, "")})
        out[column] = table
    return out


def _by_vocab(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """Each value's canonical spelling, missing where the vocabulary does not know it (decided once per value)."""
    return _per_value(values, lambda v: table.get(normalise_key(v)))


def _per_value(values: pd.Series, fn) -> pd.Series:
    """fn of each distinct value, spread over the column as objects; missing values stay None. (Series.map
    with a dict costs a tenth of a second per 500k-row column, this a hundredth.)"""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = np.array([fn(v) for v in uniques] + [None], dtype=object)
    return pd.Series(answers[codes], index=values.index, dtype=object)


def _note_unknown(report: Report, column: str, values: pd.Series) -> None:
    """Remember values no vocabulary knows, so the upload page can offer a value mapping."""
    distinct = [str(v) for v in pd.unique(values.dropna())][:50]
    if distinct:
        report.unknown_values[column] = distinct


def _escalations(s: pd.Series, table: dict[str, str]):
    """Escalation levels 0–3 from the vocabulary (一次提醒, 约谈, 移送执法 …), a level word inside, or a digit."""
    text = _text(s)
    level = {}
    for v in text.dropna().unique():
        hit = table.get(normalise_key(v))
        if hit is None:
            hit = next((n for w, n in ESCALATIONS.items() if w in v), None)
        level[v] = None if hit is None else int(hit)
    words = _per_value(text, level.get)
    nums, b = parse_integers(s.where(words.isna(), None))
    values = nums.where(words.isna(), words.astype("Int64"))
    b = b | (values.notna().to_numpy() & ~values.fillna(0).between(0, 3).to_numpy())
    b = b | (text.notna().to_numpy() & values.isna().to_numpy())
    return values.astype("Int64"), b


_NOTICE = re.compile(r"^(?:\d{4}年)?第?\s*([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*[期号]?$")


def _notice_numbers(s: pd.Series):
    """Airing notice numbers: 12, "第12期", "12期", "第十二期", "2024年第3期" → 3."""
    text = _text(s)
    table = {}
    for v in text.dropna().unique():
        m = _NOTICE.match(v.replace(" ", ""))
        if not m:
            table[v] = None
            continue
        digits = m.group(1)
        if digits.isdigit():
            table[v] = int(digits)
        else:
            import cn2an  # a sixth of a second to import, for the few files that write 第十二期

            try:
                table[v] = int(cn2an.cn2an(digits, "smart"))
            except (ValueError, KeyError, TypeError):
                table[v] = None
    words = _per_value(text, table.get)
    nums, b = parse_integers(s.where(words.isna(), None))
    values = nums.where(words.isna(), words.astype("Int64"))
    b = b | (text.notna().to_numpy() & values.isna().to_numpy())
    b = b | (values.notna().to_numpy() & (values.fillna(0) < 0).to_numpy())
    return values.astype("Int64"), b


def _integers(s: pd.Series, kind: str):
    return parse_integers(s)


def _resolve_towns(values: pd.Series, towns: pd.DataFrame, code: str = "town_code"):
    """Town code for each value given as code, name or alias; mask of values that match none.
    With code="grid_code" the same for grids (queries/grid_lookup.sql)."""
    lookup: dict = {}
    # town_lookup is ordered (code before name before alias, then by code): the first reading wins,
    # the same in every run, should an older store still hold a key that names two towns
    for key, value in zip(towns["key"].map(normalise_key), towns[code]) if len(towns) else ():
        lookup.setdefault(key, value)
    # a ledger names its ~24 towns millions of times: resolve each distinct spelling once
    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    resolved = np.array([lookup.get(normalise_key(v)) for v in uniques] + [None], dtype=object)
    codes = pd.Series(resolved[positions], index=values.index, dtype=object)
    unknown = (positions >= 0) & np.array([r is None for r in resolved], dtype=bool)[positions]
    return codes, unknown


@dataclass
class Places:
    """The store's towns and districts as an upload names them, and the districts the uploader may touch."""

    towns: pd.DataFrame  # queries/town_lookup.sql: key → town_code, codes first
    districts: pd.DataFrame  # queries/district_lookup.sql: key → district_code, codes first
    town_name: dict[str, str]  # town code → name
    town_district: dict[str, str | None]  # town code → its district's code (None: not listed in one)
    district_name: dict[str, str]  # district code → name; empty in a one-district store
    scope: frozenset[str] | None = None  # district codes the uploader may touch; None: the whole city
    scope_label: str = ""  # the uploader's districts as a refusal names them: 甲区、乙县
    user: str = ""
    grid_town: dict[str, str] = field(default_factory=dict)  # grid code → town code, for grid events

    @property
    def city(self) -> bool:
        """The store lists districts (a one-district store lists none and works as before)."""
        return bool(self.district_name)

    def outside(self, town_code: str) -> str | None:
        """Why the uploader may not touch this town's rows, or None when it may."""
        if self.scope is None:
            return None
        district = self.town_district.get(town_code)
        if district in self.scope:
            return None
        town = self.town_name.get(town_code) or town_code
        where = f"属于“{self.district_name.get(district, district)}”" if district else "没有登记所属区县"
        return f"镇街“{town}”{where}，账号“{self.user}”只能上传 {self.scope_label} 的数据"


def _places(con, scope, user: str) -> Places:
    districts = db.run(con, "district_lookup")
    towns = db.run(con, "town_districts")
    names = dict(db.run(con, "district_names")[["district_code", "district_name"]].itertuples(index=False))
    places = Places(db.run(con, "town_lookup"), districts, dict(zip(towns["town_code"], towns["town_name"])),
                    {c: d if isinstance(d, str) else None for c, d in zip(towns["town_code"], towns["district_code"])},
                    names, user=user)
    if scope is not None:
        places.scope = auth.resolve_scope(scope, districts)
        # the districts by name, and an entry of the account that names none as it is written
        shown = [names[c] for c in sorted(places.scope)]
        shown += [str(e) for e in sorted(scope, key=str) if not auth.resolve_scope({e}, districts)]
        places.scope_label = "、".join(dict.fromkeys(shown)) or "（没有任何区县）"
    return places


def _row_districts(src: pd.DataFrame, ds: Dataset, report: Report, places: Places, problems: list):
    """A file's 所属区县 column as district codes, row by row; None when the file has none or the store lists
    no districts (a one-district store reads its files exactly as before)."""
    column = next((c for c in ds.columns if c.kind == "district_ref"), None)
    header = report.mapping.get(column.name) if column else None
    if header is None:
        return None
    if not places.city:
        report.notices.append(f"“{header}”列未使用：仓库没有区县名单（只有一个区县时不需要这一列）")
        return None
    values = _text(src[header])
    hidden = _invisible(values)
    if hidden.any():
        problems.append((np.flatnonzero(hidden), header,
                         "含有看不见的控制字符或文字方向字符（如 U+202E），显示出来的与实际内容不同；请删去后再上传"))
    codes, unknown = _resolve_towns(values, places.districts, "district_code")
    if unknown.any():
        problems.append((np.flatnonzero(unknown), header, "区县不在区县名单中（代码、名称或别名都对不上）"))
    return codes


def _town_districts(values: pd.Series, header: str | None, places: Places, problems: list) -> pd.Series:
    """A towns file's 所属区县 as district codes; once the store lists districts every town names one."""
    codes, unknown = _resolve_towns(values, places.districts, "district_code")
    if unknown.any():
        problems.append((np.flatnonzero(unknown), header, "区县不在区县名单中（代码、名称或别名都对不上）"
                         + ("" if places.city else "；请先上传区县名单")))
    if places.city and header is None:
        problems.append((np.array([], dtype=int), None,
                         "缺少“所属区县”列：仓库已有区县名单，每个镇街都要写明所属区县（可用列名："
                         + "、".join(DATASETS["towns"].column("district").aliases) + "）"))
    elif places.city and values.isna().any():
        problems.append((np.flatnonzero(values.isna().to_numpy()), header,
                         "所属区县为空：仓库已有区县名单，每个镇街都要写明所属区县"))
    return codes


def _town_refs(values: pd.Series, header: str, places: Places, report: Report, add_towns: bool,
               row_districts: pd.Series | None, problems: list, store_empty_hint: bool = True) -> pd.Series:
    """Town code per row from its code, name or alias. A name that towns of several districts share is read
    within the row's 所属区县, else within the uploader's districts; a town outside the row's district or the
    uploader's is a problem of that row. With add_towns, a name no town has becomes a new town when its
    district is clear (or the store lists no districts)."""
    meant: dict[str, list[str]] = {}  # key → the towns it names, in town_lookup's order
    for key, code in zip(places.towns["key"].map(normalise_key), places.towns["town_code"]):
        if code not in meant.setdefault(key, []):
            meant[key].append(code)
    district = places.town_district.get
    # a ledger names its towns millions of times: each distinct (spelling, row district) is read once
    pv, spellings = pd.factorize(values, use_na_sentinel=True)
    if row_districts is None:
        pdist, row_codes = np.full(len(values), -1), []
    else:
        pdist, row_codes = pd.factorize(row_districts, use_na_sentinel=True)
    width = len(row_codes) + 1
    pair = np.where(pv >= 0, pv.astype(np.int64) * width + pdist + 1, -1)
    positions, pairs = pd.factorize(pair)
    codes = np.empty(len(pairs), dtype=object)
    reasons: list[str | None] = [None] * len(pairs)
    new: dict[str, set] = {}  # new town → the districts the file gives it
    for k, p in enumerate(pairs):
        if p < 0:
            codes[k] = None
            continue
        written = spellings[p // width]
        d = row_codes[p % width - 1] if p % width else None
        found = meant.get(normalise_key(written), [])
        names = "、".join(dict.fromkeys(places.district_name.get(district(c), "未登记区县") for c in found))
        code = None
        if not found:
            if add_towns:
                home = d if d is not None else next(iter(places.scope)) if places.scope and len(places.scope) == 1 \
                    else None
                if home is None and (places.city or places.scope is not None):
                    reasons[k] = f"新镇街“{written}”不知道属于哪个区县：请加一列“所属区县”，或先在镇街名单中登记"
                elif places.scope is not None and home not in places.scope:
                    reasons[k] = (f"新镇街“{written}”属于“{places.district_name.get(home, home)}”，账号“{places.user}”"
                                  f"只能上传 {places.scope_label} 的数据")
                else:
                    codes[k] = written
                    new.setdefault(written, set()).add(home)
                continue
            reasons[k] = "镇街不在镇街名单中（代码、名称或别名都对不上）" \
                + ("；请先上传镇街名单" if store_empty_hint and places.towns.empty else "")
            continue
        if normalise_key(found[0]) == normalise_key(written) or len({district(c) for c in found}) == 1:
            code = found[0]  # a code, or a name within one district: the first reading, as ever
        elif d is not None:
            inside = [c for c in found if district(c) == d]
            if not inside:
                reasons[k] = f"镇街“{written}”不在本行的所属区县“{places.district_name.get(d, d)}”中（{names} 有这个镇街）"
                continue
            code = inside[0]
        else:
            inside = [c for c in found if places.scope is not None and district(c) in places.scope]
            if places.scope is not None and not inside:
                reasons[k] = f"镇街“{written}”属于 {names}，账号“{places.user}”只能上传 {places.scope_label} 的数据"
                continue
            if len({district(c) for c in inside}) != 1:
                reasons[k] = f"镇街名称“{written}”在 {names} 都有：请写镇街代码，或加一列“所属区县”"
                continue
            code = inside[0]
        if d is not None and district(code) is not None and district(code) != d:
            reasons[k] = (f"镇街“{places.town_name.get(code, code)}”属于“{places.district_name.get(district(code))}”，"
                          f"与本行的所属区县“{places.district_name.get(d, d)}”不一致")
            continue
        reasons[k] = places.outside(code)
        codes[k] = None if reasons[k] else code
    for written, homes in new.items():
        if len(homes) > 1:  # one new town cannot lie in two districts
            for k, p in enumerate(pairs):
                if p >= 0 and spellings[p // width] == written:
                    codes[k], reasons[k] = None, f"新镇街“{written}”在文件中写了不同的所属区县"
    report.new_town_districts = {w: next(iter(h)) for w, h in new.items() if len(h) == 1}
    report.new_towns = sorted(report.new_town_districts)
    by_reason: dict[str, list[int]] = {}
    for k, r in enumerate(reasons):
        if r:
            by_reason.setdefault(r, []).append(k)
    for r, ks in by_reason.items():
        problems.append((np.flatnonzero(np.isin(positions, ks)), header, r))
    return pd.Series(codes[positions] if len(pairs) else np.full(len(values), None, dtype=object),
                     index=values.index, dtype=object)


def _grids_in_scope(codes: pd.Series, header: str, places: Places) -> list[tuple]:
    """Grid events of grids whose town lies outside the uploader's districts: a problem of each such row."""
    if places.scope is None:
        return []
    positions, grids = pd.factorize(codes, use_na_sentinel=True)
    problems = []
    for k, grid in enumerate(grids):
        town = places.grid_town.get(grid)
        why = places.outside(town) if town is not None else None
        if why:
            problems.append((np.flatnonzero(positions == k), header, f"网格“{grid}”所在的{why}"))
    return problems


def _towns_in_scope(out: pd.DataFrame, report: Report, places: Places) -> list[tuple]:
    """A scoped analyst's towns file lists only towns of its districts, and moves none out of another: a town
    the store lists is owned by its district as listed now, one listed without a district by none."""
    if places.scope is None:
        return []
    header = report.mapping.get("district") or report.mapping.get("town_code")
    problems: dict[str, list[int]] = {}
    for i, (code, name, home) in enumerate(zip(out["town_code"], out["town_name"], out["district_code"])):
        if not isinstance(code, str):
            continue
        owners = [places.town_district[code]] if code in places.town_district else []
        home = home if isinstance(home, str) else None
        for district in dict.fromkeys([*owners, home] if home is not None or not owners else owners):
            if district not in places.scope:
                where = f"属于“{places.district_name.get(district, district)}”" if district else "没有登记所属区县"
                reason = f"镇街“{name if isinstance(name, str) else code}”{where}，账号“{places.user}”只能上传 " \
                         f"{places.scope_label} 的数据"
                problems.setdefault(reason, []).append(i)
    return [(np.array(rows, dtype=int), header, reason) for reason, rows in problems.items()]


# a keyed dataset whose stored rows belong to a town: (the key's word, the row's noun) as a refusal names them;
# queries/existing_<dataset>_towns.sql gives each uploaded key's current town. Indicators are keyed by their town.
KEY_OWNERS = {"hazards": ("编号", "隐患"), "inspections": ("编号", "检查记录"), "grids": ("编码", "网格"),
              "grid_events": ("编号", "网格事件")}


def _keys_in_scope(con, out: pd.DataFrame, report: Report, places: Places) -> list[tuple]:
    """Rows of a scoped upload whose key the board already holds for a town outside the uploader's districts:
    reusing another district's hazard id (grid code, …) would otherwise move that row into the uploader's."""
    if places.scope is None or report.dataset not in KEY_OWNERS:
        return []
    key = DATASETS[report.dataset].key[0]
    keys = out[key].astype(object).where(out[key].notna(), None)
    present = [k for k in pd.unique(keys) if isinstance(k, str)]
    if not present:
        return []
    owners = db.run(con, f"existing_{report.dataset}_towns",
                    tables={"new_keys": pa.table({key: pa.array(present, pa.string())})})
    word, noun = KEY_OWNERS[report.dataset]
    reasons: dict[str, str] = {}
    for k, town in zip(owners["key"], owners["town_code"]):
        town = town if isinstance(town, str) else None
        if town is not None and places.outside(town) is None:
            continue
        district = places.town_district.get(town) if town is not None else None
        owner = (places.district_name.get(district, district) if district
                 else f"未登记所属区县的镇街“{places.town_name.get(town) or town}”" if town else "未登记镇街")
        reasons[k] = f"{word}“{k}”已是 {owner} 的{noun}，账号“{places.user}”不能改动"
    if not reasons:
        return []
    positions, found = pd.factorize(keys.map(reasons), use_na_sentinel=True)
    header = report.mapping.get(key)
    return [(np.flatnonzero(positions == i), header, reason) for i, reason in enumerate(found)]


ALIAS_SEPARATORS = r"[、,;|，；]"  # as queries/town_lookup.sql splits them


def _town_keys(code, name, aliases) -> list[tuple[str, str, str]]:
    """(normalised key, as written, which column) for every way this town may be named."""
    keys = [(code, "town_code"), (name, "town_name")]
    aliases = aliases if isinstance(aliases, str) else ""
    keys += [(a.strip(), "aliases") for a in re.split(ALIAS_SEPARATORS, aliases) if a.strip()]
    return [(normalise_key(k), k, col) for k, col in keys if isinstance(k, str) and k]


@dataclass(frozen=True)
class Register:
    """A list of places an upload replaces by code (towns, districts) and whose names must stay one way."""

    code: str
    name: str
    noun: str  # 镇街, 区县
    query: str  # the current listing: code, name, aliases (and group)
    group: tuple[str, ...] = ()  # a name may repeat across groups, never within one (a town's district)


REGISTERS = {
    "towns": Register("town_code", "town_name", "镇街", "town_names", ("district_code",)),
    "districts": Register("district_code", "district_name", "区县", "district_names"),
}


def _name_conflicts(frame: pd.DataFrame, existing: pd.DataFrame, report: Report) -> list[tuple]:
    """Refuse a towns (districts) upload that would let one code, name or alias name two towns (districts),
    naming both; a name two towns share is fine when they lie in two different districts, and a code is one
    town whatever its district. A place listed again under its code with a new name is renamed, its old name
    kept as an alias."""
    reg = REGISTERS[report.dataset or "towns"]
    group = reg.group[0] if reg.group and reg.group[0] in frame else None

    def group_of(row) -> str | None:
        return row[3] if group and len(row) > 3 and isinstance(row[3], str) else None

    cols = [reg.code, reg.name, "aliases", *([group] if group else [])]
    listed = {r[0]: (r[1], r[2], group_of(r)) for r in existing.reindex(columns=cols).itertuples(index=False)}
    for i, (code, name) in enumerate(zip(frame[reg.code], frame[reg.name])):
        old = listed.get(code)
        if old and isinstance(old[0], str) and isinstance(name, str) \
                and normalise_key(old[0]) != normalise_key(name):
            # the new aliases, then the old ones and the old name: exports written before the rename resolve
            keep, seen = [], {normalise_key(name)}
            for _, alias, _ in [*_town_keys(None, None, frame["aliases"].iloc[i]),
                                *_town_keys(None, None, old[1]), (None, old[0], None)]:
                if normalise_key(alias) not in seen:
                    seen.add(normalise_key(alias))
                    keep.append(alias)
            frame.iloc[i, frame.columns.get_loc("aliases")] = "、".join(keep) or None
            report.notices.append(f"{reg.noun} {code} 改名：{old[0]} → {name}；旧名“{old[0]}”保留为别名，"
                                  f"台账中写旧名的仍归入这个{reg.noun}")
    uploaded = set(frame[reg.code])
    places = [(c, n, a, g, None) for c, (n, a, g) in listed.items() if c not in uploaded]
    places += [(r[0], r[1], r[2], group_of(r), i) for i, r in enumerate(frame[cols].itertuples(index=False))]
    meant: dict[str, list] = {}  # key → [(code, name, written, column, group, upload row)]
    for code, name, aliases, grp, row in places:
        for key, written, column in _town_keys(code, name, aliases):
            if all(t[0] != code for t in meant.get(key, [])):
                meant.setdefault(key, []).append((code, name, written, column, grp, row))

    def clash(a, b) -> bool:
        # two places of one name in two districts are told apart by the district; a code never is
        return "town_code" in (a[3], b[3]) or a[4] is None or b[4] is None or a[4] == b[4]

    problems: dict[tuple, list[int]] = {}
    for key, entries in meant.items():
        if len(entries) < 2:
            continue
        for entry in entries:
            code, name, written, column, grp, row = entry
            others = [e for e in entries if e is not entry and clash(entry, e)]
            if row is None or not others:
                continue
            both = " 和 ".join(f"{c} {n}" for c, n, *_ in sorted([entry, *others], key=lambda e: str(e[0])))
            what = {"town_code": "代码", "town_name": "名称"}.get(column, "别名")
            within = "同一区县内" if grp is not None and all(e[4] == grp for e in others) else ""
            reason = (f"{what}“{written}”会同时指向两个{reg.noun}：{both}；"
                      f"{within}一个代码、名称或别名只能对应一个{reg.noun}，请改名或删去重复的别名")
            header = report.mapping.get({"town_code": reg.code, "town_name": reg.name}.get(column, column))
            problems.setdefault((header, reason), []).append(row)
    return [(np.array(sorted(set(rows)), dtype=int), header, reason)
            for (header, reason), rows in problems.items()]


def _check_rules(out: pd.DataFrame, ds: Dataset, report: Report, today: date) -> list[tuple]:
    """Whole-file rules: date order and the like across columns first, then per column required, unique keys,
    ranges. (Once a pandera schema: its import and its validation took a sixth of a 500k-row upload.)"""
    key = ds.key[0] if ds.name != "indicators" else None
    header_of = {stored_name(c): report.mapping.get(c.name) for c in ds.columns}
    latest = pd.Timestamp(today + timedelta(days=1))
    rules = []  # (column, reason, rows that break it); a missing value breaks no rule
    for d in [c.name for c in ds.columns if c.kind == "date" and c.name != "deadline"]:
        rules.append((d, f"日期晚于今天（{today:%Y-%m-%d}），不可能已经发生", lambda f, d=d: f[d] > latest))
    if ds.name == "hazards":
        rules += [
            ("rectified_date", "整改完成日期早于发现日期", lambda f: f["rectified_date"] < f["found_date"]),
            ("closed_date", "销号日期早于整改完成日期", lambda f: f["closed_date"] < f["rectified_date"]),
            ("closed_date", "有销号日期却没有整改完成日期（先整改，后销号）",
             lambda f: f["closed_date"].notna() & f["rectified_date"].isna()),
            ("deadline", "整改期限早于发现日期", lambda f: f["deadline"] < f["found_date"]),
            ("lat", "经度和纬度要么都填，要么都不填", lambda f: f["lat"].isna() != f["lon"].isna()),
        ]
    if ds.name == "grid_events":
        rules += [
            ("closed_date", "办结时间早于上报时间", lambda f: f["closed_date"] < f["reported_date"]),
            ("deadline", "办理时限早于上报时间", lambda f: f["deadline"] < f["reported_date"]),
        ]
    problems = []
    empty_row = None  # a row with no value at all breaks no rule across columns
    for column, reason, broken in rules:
        rows = np.array(pd.Series(broken(out)).fillna(False).to_numpy(), dtype=bool)
        if rows.any():
            if empty_row is None:
                empty_row = out.isna().all(axis="columns").to_numpy()
            rows &= ~empty_row
            if rows.any():
                problems.append((np.flatnonzero(rows), header_of.get(column), reason, column))
    for c in ds.columns:
        name = stored_name(c)
        if c.kind in NOT_STORED or name not in out:
            continue
        values = out[name]
        missing = values.isna().to_numpy()
        if c.required and missing.any() and header_of.get(name, "") is not None:
            problems.append((np.flatnonzero(missing), header_of.get(name), messages.check_reason("not_nullable"),
                             name))
        if name == key:
            repeated = _repeated(values) & ~missing
            if repeated.any():
                problems.append((np.flatnonzero(repeated), header_of.get(name),
                                 messages.check_reason("field_uniqueness"), name))
        for rule, broken in _ranges(c):
            rows = ~missing & broken(values.to_numpy(dtype="float64", na_value=np.nan))
            if rows.any():
                problems.append((np.flatnonzero(rows), header_of.get(name), messages.check_reason(rule), name))
    return problems


def _repeated(values: pd.Series) -> np.ndarray:
    """Values that occur more than once (every occurrence; missing values are one value among them), as
    Series.duplicated(keep=False) gives them, by counting factorize's codes: a fifth of its time on 500k ids."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) == len(codes):
        return np.zeros(len(codes), dtype=bool)
    return np.bincount(codes, minlength=len(uniques))[codes] > 1


def _ranges(c) -> list[tuple[str, object]]:
    """(the rule as board.messages names it, values that break it) for the numeric columns with bounds."""
    out = []
    if c.kind == "lon":
        out.append(("in_range(-180, 180)", lambda x: ~((x >= -180) & (x <= 180))))
    if c.kind == "lat":
        out.append(("in_range(-90, 90)", lambda x: ~((x >= -90) & (x <= 90))))
    if c.kind in ("integer", "notice") and c.name in ("population", "grid_count", "points_checked",
                                                      "hazards_found", "notice_no", "households"):
        out.append(("greater_than_or_equal_to(0)", lambda x: ~(x >= 0)))
    if c.name == "area_km2":
        out.append(("greater_than(0)", lambda x: ~(x > 0)))
    return out


def _indicators(raw: RawTable, report: Report, definitions: dict, places: "Places", add_towns: bool):
    """Wide monthly indicators → one row per month, town and indicator."""
    src = raw.frame
    problems = []
    month_h, town_h = report.mapping["month"], report.mapping["town"]
    months, bad_m = parse_month(src[month_h])
    if bad_m.any():
        problems.append((np.flatnonzero(bad_m), month_h, "月份无法识别（可用 2022-03 或 2022年3月）"))
    row_districts = _row_districts(src, DATASETS["indicators"], report, places, problems)
    codes = _town_refs(_text(src[town_h]), town_h, places, report, add_towns, row_districts, problems,
                       store_empty_hint=False)
    by_key = {normalise_key(h): h for h in src.columns}
    parts = []
    for ind in defs.indicators(definitions):
        header = report.mapping.get(ind["code"]) or by_key.get(normalise_key(ind["name"])) \
            or by_key.get(normalise_key(ind["code"]))
        if header is None:
            continue
        report.mapping[ind["code"]] = header
        values, b = parse_numbers(src[header])
        if ind.get("unit") == "%":
            # 96.2 and "96.2%" both mean 96.2 %; stored as the fraction 0.962
            values = values.where(~(values > 1), values / 100)
        bad(problems, b, header, "应为数字（可带千分位或 %）")
        parts.append(pd.DataFrame({"month": months, "town_code": codes, "indicator": ind["code"],
                                   "value": values, "source_row": raw.rows}))
    report.unused_columns = [h for h in src.columns if h not in set(report.mapping.values())]
    report.notices = [n for n in report.notices if not n.startswith("以下列未使用")]
    if report.unused_columns:
        report.notices.append("以下列不是已定义的指标，未使用：" + "、".join(map(str, report.unused_columns)))
    if not parts:
        problems.append((np.array([], int), None, "没有找到任何已定义的指标列（指标名称见“指标设置”）"))
        return None, problems
    dup = src.assign(_m=months, _t=codes).duplicated(["_m", "_t"], keep=False).to_numpy()
    if dup.any():
        problems.append((np.flatnonzero(dup), month_h, "同一镇街同一月份出现了多行"))
    if problems:
        return None, problems
    long = pd.concat(parts, ignore_index=True)
    long = long[long["value"].notna()].reset_index(drop=True)
    return long, problems


def bad(problems, mask, header, reason):
    if mask.any():
        problems.append((np.flatnonzero(mask), header, reason))


def _collapse(problems: list[tuple], raw: RawTable, filename: str) -> list[Problem]:
    """Problem tuples → report rows, one per row and reason (no cap: the download lists every one)."""
    rows = []
    for positions, header, reason, *_ in problems:
        if len(positions) == 0:
            rows.append(Problem(filename, reason, column=header))
            continue
        cells = raw.frame[header] if header is not None and header in raw.frame else None
        values = None if cells is None else cells.iloc[np.asarray(positions)].tolist()
        for k, p in enumerate(positions):
            value = None if values is None else values[k]
            value = None if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA \
                else str(value)
            if value is not None:  # the report shows an invisible character as what it is
                value = re.sub(INVISIBLE, lambda m: f"\\u{ord(m.group(0)):04x}", value)
            rows.append(Problem(filename, reason, row=int(raw.rows[p]), column=header, value=value))
    return rows


def _new_towns_table(names: list[str], districts: dict[str, str | None] | None = None) -> pa.Table:
    schema = arrow_schema("towns")
    schema = schema.remove(schema.get_field_index("batch_seq"))
    cols = {f.name: pa.nulls(len(names), f.type) for f in schema}
    cols["town_code"] = pa.array(names, pa.string())
    cols["town_name"] = pa.array(names, pa.string())
    cols["district_code"] = pa.array([(districts or {}).get(n) for n in names], pa.string())
    return pa.table(cols, schema=schema)


def _added_updated(con, dataset: str, table: pa.Table) -> tuple[int, int]:
    """Rows new to the board and rows replacing ones it already has (same key)."""
    if dataset == "indicators":
        existing = db.run(con, "existing_indicator_keys",
                          tables={"new_keys": table.select(["month", "town_code", "indicator"])})
    else:
        key = DATASETS[dataset].key[0]
        existing = db.run(con, f"existing_{dataset}_keys", tables={"new_keys": table.select([key])})
    updated = int(existing["n"].iloc[0])
    return table.num_rows - updated, updated


def _as_of_after(con, latest: pd.Timestamp) -> pd.Timestamp:
    """The ledger's now once the upload, whose own latest date is `latest`, is on the board: the later of the
    two, as before, but the stored ledger is deduplicated only when the cheap reads cannot tell."""
    row = db.run(con, "stored_as_of").iloc[0]
    stored = _day(row["as_of"])
    if stored is None or stored <= latest:  # no stored row, current or replaced, is later than the upload
        return latest
    now = _day(db.run(con, "stored_as_of_current", as_of=stored.date(),
                      batch_seq=int(row["batch_seq"]))["as_of"].iloc[0])
    if now is None:  # every row carrying the stored latest date was replaced since
        now = _day(db.run(con, "as_of_default")["as_of"].iloc[0])
    return latest if now is None else max(latest, now)


def _day(v) -> pd.Timestamp | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v)
