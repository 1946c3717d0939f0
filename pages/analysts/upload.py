"""数据上传 Upload: files → dataset and column mapping → the core's dry-run report → the analyst confirms → one batch.

Nothing is written until the confirm button: every report shown here is
board.ingest run with dry_run=True; the confirm button runs it again for real.
"""

import hashlib

import pandas as pd
import streamlit as st

from board import definitions as defs, mappings
from board.errors import Rejected
from board.ingest import detect_dataset, ingest
from board.schema import DATASETS
from board.store import default_path, Store
from render import export
from ui import auth
from ui.i18n import t

UNKNOWN_TOWN = "镇街不在镇街名单中"
NONE = ""  # the "not in this file" choice of a mapping selectbox

user = auth.page("数据上传")

store = Store(default_path())
definitions = defs.load(store, store.state())
st.caption(t("可一次选择多个文件（CSV、Excel、Parquet，每个不超过 200 MB）。先校验，确认后才写入；未确认前数据仓库不会有任何改动。"))
files = st.file_uploader(t("选择文件"), type=["csv", "txt", "xlsx", "xlsm", "xls", "parquet"],
                         accept_multiple_files=True, key="upload_files")
# towns first: a ledger that names new towns validates once the town list is in
files = sorted(files or [], key=lambda f: 0 if "镇街" in f.name or "town" in f.name.lower() else 1)
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


def show_problems(name: str, key: str, problems) -> None:
    st.error(t("未通过校验，数据仓库未做任何改动。请按下表修改文件后重新上传。") + f"（{len(problems)}）")
    table = problems_frame(problems)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(t("下载校验报告（Excel）"), export.to_xlsx_bytes(table, "校验报告"),
                       file_name=f"校验报告-{name.rsplit('.', 1)[0]}.xlsx", key=f"report_{key}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def show_notices(notices) -> None:
    for n in notices:
        st.text(f"{t('注意')}：{n}")


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
            r = done[key]
            st.success(t("已导入") + f"：{r['batch_id']}")
            c = st.columns(3)
            c[0].metric(t("新增行"), f"{r['added']:,}")
            c[1].metric(t("更新行"), f"{r['updated']:,}")
            c[2].metric(t("数据截至日期"), r["as_of_date"] or "—")
            show_notices(r["notices"])
            continue

        # 1. read: headers and the first rows, or why the file cannot be read at all
        if ("read", key) not in cache:
            with st.spinner(t("正在读取文件…")):
                try:
                    cache[("read", key)] = mappings.preview(data, f.name, definitions)
                except Rejected as r:
                    cache[("read", key)] = r.problems
        read = cache[("read", key)]
        if isinstance(read, list):
            show_problems(f.name, key, read)
            continue
        headers, head, _ = read

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

        # 3. mapping: every canonical column → a header of the file (one header may feed several)
        suggested = mappings.suggest(dataset, headers, remembered["mapping"] if remembered else {}, definitions)
        columns = mappings.targets(dataset, definitions)
        missing = [label for name, label, required in columns if required and name not in suggested]
        with st.expander(t("列对应关系") + (f"（{t('需要选择')}：{'、'.join(missing)}）" if missing else ""),
                         expanded=bool(missing) or len(suggested) < 3):
            st.caption(t("为每个标准列选择文件中的对应列；带 * 的必须选择。同一列可对应多个标准列（例如完成日期同时作为整改和销号日期）。"))
            options = [NONE] + headers
            grid = st.columns(3)
            for j, (name, label, required) in enumerate(columns):
                current = suggested.get(name, NONE)
                grid[j % 3].selectbox(f"{t(label)}{' *' if required else ''}", options,
                                      index=options.index(current), key=f"map_{key}_{dataset}_{name}",
                                      format_func=lambda h: t("（不使用）") if h == NONE else h)
        mapping = {name: st.session_state[f"map_{key}_{dataset}_{name}"] for name, _, _ in columns
                   if st.session_state.get(f"map_{key}_{dataset}_{name}", NONE) != NONE}
        add_towns = st.session_state.get(f"add_towns_{key}", False)
        memory[mappings.signature(headers)] = {"dataset": dataset, "mapping": mapping}

        # 4. the core's report, without writing (recomputed when the choices or the store change)
        run_key = ("dry", key, dataset, tuple(sorted(mapping.items())), add_towns, store.version())
        if run_key not in cache:
            with st.spinner(t("正在校验…")):
                for old in [k for k in cache if k[:2] == ("dry", key)]:
                    del cache[old]  # one report per file is enough; reports of big files are big
                cache[run_key] = ingest(store, data, f.name, dataset=dataset, mapping=mapping, user=user,
                                        dry_run=True, add_towns=add_towns)
                cache[run_key].tables = []  # the confirm button ingests again; do not hold the rows
        report = cache[run_key]
        unknown_towns_only = report.problems and all(p.reason.startswith(UNKNOWN_TOWN) or
                                                     (p.row is None and UNKNOWN_TOWN in p.reason)
                                                     for p in report.problems)
        if unknown_towns_only or add_towns:
            st.checkbox(t("把未登记的镇街登记为新镇街"), key=f"add_towns_{key}",
                        help=t("只在确认这些名称确实是本区的镇街时勾选；它们会作为新镇街写入镇街名单。"))
        if report.problems:
            show_problems(f.name, key, report.problems)
            show_notices(report.notices)
            continue
        dup = store.duplicate_of(sha, report.dataset)
        if dup:
            st.info(t("这个文件已经上传过，不会重复导入。") + f"（{dup.batch_id}）")
            continue
        st.success(t("校验通过（尚未写入）"))
        c = st.columns(4)
        c[0].metric(t("行数"), f"{report.rows:,}")
        c[1].metric(t("将新增"), f"{report.added:,}")
        c[2].metric(t("将更新"), f"{report.updated:,}")
        c[3].metric(t("数据截至日期"), report.as_of_date or "—")
        if report.new_towns:
            st.text(f"{t('将新登记镇街')}：{'、'.join(report.new_towns[:50])}")
        show_notices(report.notices)
        if st.button(t("确认导入"), key=f"confirm_{key}", type="primary"):
            with st.spinner(t("正在写入…")):
                final = ingest(store, data, f.name, dataset=dataset, mapping=mapping, user=user,
                               add_towns=add_towns)
            if final.committed:
                mappings.save(store, headers, final.dataset, final.mapping, user)
                done[key] = {"batch_id": final.batch_id, "added": final.added, "updated": final.updated,
                             "as_of_date": final.as_of_date, "notices": final.notices}
                st.rerun()
            elif final.duplicate_of:
                st.info(t("这个文件已经上传过，不会重复导入。") + f"（{final.duplicate_of}）")
            else:
                show_problems(f.name, key, final.problems)
if progress is not None:
    progress.progress(1.0, text=t("全部文件已校验"))
