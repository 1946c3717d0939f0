"""数据上传 Upload: files → sheet, dataset, column and value mapping → the core's dry-run report → the analyst
confirms (all rows, or on explicit choice the valid rows with the others set aside) → one batch.

Nothing is written until the confirm button: every report shown here is
board.ingest run with dry_run=True; the confirm button runs it again for real.
"""

import hashlib

import pandas as pd
import streamlit as st

from board import auth as accounts, definitions as defs, mappings
from board.errors import Rejected
from board.ingest import MAX_PER_KIND, detect_dataset, ingest
from board.schema import DATASETS
from board.store import default_path, set_aside_rows, Store
from render import export
from ui import auth
from ui.i18n import t

UNKNOWN_TOWN = "镇街不在镇街名单中"
NONE = ""  # the "not in this file" choice of a mapping selectbox
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

user = auth.page("数据上传")
scope = accounts.scope(user)  # an analyst limited to districts uploads only their rows; None: the whole city

store = Store(default_path())
definitions = defs.load(store, store.state())
st.caption(t("可一次选择多个文件（CSV、Excel、Parquet，每个不超过 200 MB）。先校验，确认后才写入；未确认前数据仓库不会有任何改动。"))
files = st.file_uploader(t("选择文件"), type=["csv", "txt", "xlsx", "xlsm", "xls", "parquet"],
                         accept_multiple_files=True, key="upload_files")
# districts, then towns first: a town list names its districts, a ledger its towns
files = sorted(files or [], key=lambda f: 0 if "区县" in f.name or "district" in f.name.lower()
               else 1 if "镇街" in f.name or "town" in f.name.lower() else 2)
cache = st.session_state.setdefault("upload_cache", {})
done = st.session_state.setdefault("upload_done", {})
memory = st.session_state.setdefault("upload_mappings", {})  # header signature → the analyst's last choices


def problems_frame(problems) -> pd.DataFrame:
    """The report as the analyst reads it: row, column, value, reason (all plain text)."""
    return pd.DataFrame({
        t("行"): ["" if p.row is None else str(p.row) for p in problems],
        t("列"): [p.column or "" for p in problems],
        t("值"): ["" if p.value is None else p.value for p in problems],
        t("原因"): [p.reason for p in problems],
    }, dtype="string")


def summary_frame(report) -> pd.DataFrame:
    """How many rows per column and reason: what the analyst reads first."""
    summary = report.summary()
    return pd.DataFrame({t("列"): [c or "" for (c, _), _ in summary], t("原因"): [r for (_, r), _ in summary],
                         t("行数"): [n for _, n in summary]})


def first_per_reason(problems) -> tuple[list, int]:
    """At most MAX_PER_KIND problems per (column, reason), and how many more the download holds."""
    seen: dict = {}
    shown = []
    for p in problems:
        k = (p.column, p.reason)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= MAX_PER_KIND:
            shown.append(p)
    return shown, len(problems) - len(shown)


def show_problems(name: str, key: str, problems, report=None, heading: str | None = None) -> None:
    whole = [p for p in problems if p.row is None]
    if whole and len(whole) == len(problems):  # the file as a whole: say why in words too, not only in the table
        st.error(t("未通过校验，数据仓库未做任何改动。") + "\n\n" + "\n\n".join(f"- {p.reason}" for p in whole[:10]))
    else:
        st.error(heading or (t("未通过校验，数据仓库未做任何改动。请按下表修改文件后重新上传。") + f"（{len(problems)}）"))
    if report is not None and report.problems:
        st.dataframe(summary_frame(report), hide_index=True, width="stretch")
    shown, more = first_per_reason(problems)
    st.dataframe(problems_frame(shown), hide_index=True, width="stretch")
    if more:
        st.caption(f"{t('每类问题只列出前')} {MAX_PER_KIND} {t('行；另有')} {more:,} "
                   f"{t('行未在此列出，下载的完整报告逐行列出全部')} {len(problems):,} {t('条')}")
    st.download_button(t("下载校验报告（Excel）"), export.to_xlsx_bytes(problems_frame(problems), "校验报告"),
                       file_name=f"校验报告-{name.rsplit('.', 1)[0]}.xlsx", key=f"report_{key}", mime=XLSX)


def show_notices(notices) -> None:
    for n in notices:
        st.text(f"{t('注意')}：{n}")


validated = 0
progress = st.progress(0.0, text=t("等待选择文件")) if files else None
for i, f in enumerate(files):
    data = f.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    key = sha[:16]
    progress.progress(i / len(files), text=f"{t('正在读取和校验')} {i + 1}/{len(files)}")
    with st.container(border=True):
        st.subheader(t("文件"))
        st.text(f"{f.name} · {len(data):,} B · SHA-256 {sha[:12]}…")
        if key in done:
            validated += 1
            r = done[key]
            st.success(t("已导入") + f"：{r['batch_id']}")
            c = st.columns(4)
            c[0].metric(t("新增行"), f"{r['added']:,}")
            c[1].metric(t("更新行"), f"{r['updated']:,}")
            c[2].metric(t("放在一边"), f"{r['set_aside']:,}")
            c[3].metric(t("数据截至日期"), r["as_of_date"] or "—")
            if r["set_aside"]:
                batch = store.batch(r["batch_id"])
                st.warning(f"{r['set_aside']:,} {t('行有问题，已放在一边（保存在批次中）。下载后改好，再作为普通文件上传即可按编号补上。')}")
                st.download_button(t("下载放在一边的行（Excel，含行号和原因）"),
                                   export.to_xlsx_bytes(set_aside_rows(store, batch), "放在一边的行"),
                                   file_name=f"放在一边的行-{f.name.rsplit('.', 1)[0]}.xlsx",
                                   key=f"aside_{key}", mime=XLSX)
            show_notices(r["notices"])
            continue

        # 1. read: the sheet (Excel), headers and the first rows, or why the file cannot be read at all
        sheet = st.session_state.get(f"sheet_{key}")
        if ("read", key, sheet) not in cache:
            with st.spinner(t("正在读取文件…")):
                try:
                    cache[("read", key, sheet)] = mappings.preview(data, f.name, definitions, sheet=sheet)
                except Rejected as r:
                    cache[("read", key, sheet)] = r.problems
        read = cache[("read", key, sheet)]
        if isinstance(read, list):
            show_problems(f.name, key, read)
            continue
        headers, head, _, sheet_read, sheets = read
        if len(sheets) > 1:
            st.selectbox(t("工作表"), sheets, index=sheets.index(sheet_read), key=f"sheet_{key}",
                         help=t("默认读取表头最像数据的工作表；如读错了，请在这里选择。"))

        # 2. dataset: remembered for this export source, else detected from the headers
        # a rejected file's mapping is kept for this session, so the corrected file needs no re-mapping
        remembered = memory.get(mappings.signature(headers)) or mappings.load(store, headers)
        try:
            detected = remembered["dataset"] if remembered else detect_dataset(headers, definitions, f.name)
        except Rejected:
            detected = None
        names = list(DATASETS)
        dataset = st.selectbox(t("数据类型"), names, index=names.index(detected) if detected else None,
                               format_func=lambda n: t(DATASETS[n].label), key=f"dataset_{key}",
                               placeholder=t("无法自动识别，请选择数据类型"))
        if remembered:
            st.caption(t("已套用上次为同一来源文件保存的列对应关系。"))
        st.caption(t("前 10 行预览"))
        st.dataframe(head, width="stretch")
        if dataset is None:
            continue

        # 3. mapping: every canonical column → a header of the file (one header may feed several);
        # a bordered section, not an expander, so it stays open while the analyst maps
        likely: dict[str, str] = {}
        suggested = mappings.suggest(dataset, headers, remembered["mapping"] if remembered else {}, definitions,
                                     likely=likely)
        columns = mappings.targets(dataset, definitions)
        with st.container(border=True):
            st.markdown(f"**{t('列对应关系')}**")
            st.caption(t("为每个标准列选择文件中的对应列；带 * 的必须选择。同一列可对应多个标准列（例如完成日期同时作为整改和销号日期）。"
                         "标有“建议”的是看板按列名相似度猜的，请确认。"))
            options = [NONE] + headers
            grid = st.columns(3)
            for j, (name, label, required) in enumerate(columns):
                current = suggested.get(name, NONE)
                grid[j % 3].selectbox(f"{t(label)}{' *' if required else ''}"
                                      + (f"（{t('建议，请确认')}）" if name in likely else ""),
                                      options, index=options.index(current), key=f"map_{key}_{dataset}_{name}",
                                      format_func=lambda h: t("（不使用）") if h == NONE else h)
        mapping = {name: st.session_state[f"map_{key}_{dataset}_{name}"] for name, _, _ in columns
                   if st.session_state.get(f"map_{key}_{dataset}_{name}", NONE) != NONE}

        # value mapping: values a vocabulary does not know, as the last report found them
        unknown = cache.get(("unknown", key), {})
        remembered_values = (remembered or {}).get("values") or {}
        values: dict[str, dict[str, str]] = {}
        for column, vals in unknown.items():
            for k, v in enumerate(vals):
                chosen = st.session_state.get(f"value_{key}_{column}_{k}") or remembered_values.get(column, {}).get(v)
                if chosen:
                    values.setdefault(column, {})[v] = chosen
        for column, given in remembered_values.items():
            for v, chosen in given.items():
                values.setdefault(column, {}).setdefault(v, chosen)
        add_towns = st.session_state.get(f"add_towns_{key}", False)
        partial = st.session_state.get(f"partial_{key}", False)
        memory[mappings.signature(headers)] = {"dataset": dataset, "mapping": mapping, "values": values}

        # 4. the core's report, without writing (recomputed when the choices or the store change)
        run_key = ("dry", key, sheet_read, dataset, tuple(sorted(mapping.items())), add_towns, partial,
                   repr(sorted((c, sorted(v.items())) for c, v in values.items())), store.version(),
                   tuple(sorted(scope or ())))
        if run_key not in cache:
            with st.spinner(t("正在校验…")):
                for old in [k for k in cache if k[:2] == ("dry", key)]:
                    del cache[old]  # one report per file is enough; reports of big files are big
                report = ingest(store, data, f.name, dataset=dataset, mapping=mapping, user=user, dry_run=True,
                                add_towns=add_towns, partial=partial, sheet=sheet_read, values=values, scope=scope)
                report.tables, report.set_aside_table = [], None  # the confirm button ingests again
                cache[run_key] = report
                if report.unknown_values or not report.problems:
                    merged = dict(unknown)
                    for column, vals in report.unknown_values.items():
                        merged[column] = list(dict.fromkeys([*merged.get(column, []), *vals]))
                    cache[("unknown", key)] = merged
        report = cache[run_key]
        validated += 1
        unknown = cache.get(("unknown", key), {})
        if unknown:
            with st.container(border=True):
                st.markdown(f"**{t('值对应关系')}**")
                st.caption(t("下列值看板不认识；请选择它们对应的标准值（会和列对应关系一起记住，下个月同样的文件不用再选）。"))
                labels = {"severity": "隐患等级", "escalation": "督办层级", "is_rectified": "是否整改",
                          "is_closed": "是否销号"}
                for column, vals in unknown.items():
                    choices = [NONE] + mappings.value_choices(column)
                    grid = st.columns(3)
                    for k, v in enumerate(vals):
                        default = values.get(column, {}).get(v, NONE)
                        grid[k % 3].selectbox(f"{t(labels.get(column, column))}：{v}", choices,
                                              index=choices.index(default) if default in choices else 0,
                                              key=f"value_{key}_{column}_{k}",
                                              format_func=lambda x: t("（请选择）") if x == NONE else x)
        unknown_towns = any(p.reason.startswith(UNKNOWN_TOWN) for p in report.problems)
        if unknown_towns or add_towns:
            st.checkbox(t("把未登记的镇街登记为新镇街"), key=f"add_towns_{key}",
                        help=t("只在确认这些名称确实是本区的镇街时勾选；它们会作为新镇街写入镇街名单。"))
        bad_rows = len({p.row for p in report.problems if p.row is not None})
        if report.problems and not report.structural and (bad_rows < report.rows or partial):
            st.checkbox(f"{t('先导入没有问题的')} {report.rows - bad_rows:,} {t('行，把有问题的')} {bad_rows:,} "
                        f"{t('行放在一边')}", key=f"partial_{key}",
                        help=t("放在一边的行保存在批次中，随时可下载（含 Excel 行号和原因）；改好后作为普通文件再上传，按编号补上。"))
        if report.problems and not report.set_aside:
            show_problems(f.name, key, report.problems, report)
            show_notices(report.notices)
            continue
        dup = store.duplicate_of(sha, report.dataset)
        if dup:
            st.info(t("这个文件已经上传过，不会重复导入。") + f"（{dup.batch_id}）")
            continue
        st.success(t("校验通过（尚未写入）"))
        c = st.columns(5)
        c[0].metric(t("行数"), f"{report.rows:,}")
        c[1].metric(t("将新增"), f"{report.added:,}")
        c[2].metric(t("将更新"), f"{report.updated:,}")
        c[3].metric(t("放在一边"), f"{report.set_aside:,}")
        c[4].metric(t("数据截至日期"), report.as_of_date or "—")
        if report.new_towns:
            st.text(f"{t('将新登记镇街')}：{'、'.join(report.new_towns[:50])}")
        if report.set_aside:
            show_problems(f.name, key, report.problems, report,
                          heading=f"{t('以下')} {report.set_aside:,} {t('行有问题，确认导入后放在一边（不会丢失）：')}")
        show_notices(report.notices)
        if st.button(t("确认导入"), key=f"confirm_{key}", type="primary"):
            with st.spinner(t("正在写入…")):
                final = ingest(store, data, f.name, dataset=dataset, mapping=mapping, user=user,
                               add_towns=add_towns, partial=partial, sheet=sheet_read, values=values, scope=scope)
            if final.committed:
                mappings.save(store, headers, final.dataset, final.mapping, user, values=values)
                done[key] = {"batch_id": final.batch_id, "added": final.added, "updated": final.updated,
                             "set_aside": final.set_aside, "as_of_date": final.as_of_date,
                             "notices": final.notices}
                st.rerun()
            elif final.duplicate_of:
                st.info(t("这个文件已经上传过，不会重复导入。") + f"（{final.duplicate_of}）")
            else:
                show_problems(f.name, key, final.problems, final)
if progress is not None:
    progress.progress(1.0, text=t("全部文件已校验") if validated == len(files)
                      else f"{t('已校验')} {validated}/{len(files)}{t('，其余文件需要先选择数据类型或无法读取')}")
