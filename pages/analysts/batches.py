"""批次记录 Batch history: every upload with who, when and what; the original file; rollback; the board as of a batch."""

import pandas as pd
import streamlit as st

from board import auth as accounts
from board.errors import Rejected
from board.schema import DATASETS
from board.store import Batch, default_path, set_aside_rows, Store
from render import export
from ui import asof, auth
from ui.i18n import p, t

user = auth.page("批次记录")
own_only = accounts.scope(user) is not None  # an analyst limited to districts rolls back only their own batches

store = Store(default_path())
state = store.state()
batches = [Batch.from_event(e) for e in store.events() if e["type"] == "commit"]
if own_only:
    # an analyst limited to districts sees, downloads and rolls back only the batches they uploaded: the
    # others hold other districts' rows and the city's lists
    batches = [b for b in batches if b.user == user]
if not batches:
    st.info(t("真实数据仓库还没有任何批次；请先在“数据上传”页导入文件。"))
    st.stop()

viewing = asof.viewing()
if viewing is not None:
    st.warning(f"{t('看板正在显示批次')} {viewing.get('batch_id') or viewing['seq']} {t('导入后的状态')}")
    st.button(t("返回最新"), key="batches_return", on_click=asof.back_to_now)

table = pd.DataFrame({
    t("批次"): [b.batch_id for b in batches],
    t("数据类型"): [t(DATASETS[b.dataset].label) if b.dataset in DATASETS else b.dataset for b in batches],
    t("时间"): [b.time[:19].replace("T", " ") for b in batches],
    t("上传人"): [b.user for b in batches],
    t("文件"): [b.source_file for b in batches],
    t("行数"): [b.rows for b in batches],
    t("新增"): [b.added for b in batches],
    t("更新"): [b.updated for b in batches],
    t("放在一边"): [b.set_aside for b in batches],
    "SHA-256": [b.sha256 for b in batches],
    t("状态"): [t("已回滚") if b.batch_id in state.rolled_back else t("有效") for b in batches],
})
st.dataframe(table.iloc[::-1], hide_index=True, width="stretch",
             column_config={"SHA-256": st.column_config.TextColumn(width="small")})

st.subheader(t("对一个批次操作"))
by_id = {b.batch_id: b for b in batches}
chosen = st.selectbox(t("批次"), list(by_id)[::-1], key="batch_chosen",
                      format_func=lambda i: f"{i} · {by_id[i].time[:16].replace('T', ' ')} · {by_id[i].source_file}")
b = by_id[chosen]
active = b.batch_id not in state.rolled_back
cols = st.columns(3)
cols[0].download_button(t("下载原始文件"), (store.path / b.archive).read_bytes(), file_name=b.archive.rsplit("/", 1)[-1],
                        key="batch_download", mime="application/octet-stream")
if b.set_aside:
    st.caption(f"{t('该批次导入时有')} {b.set_aside:,} {t('行有问题，已放在一边；改好后作为普通文件再上传即可按编号补上。')}")
    st.download_button(t("下载放在一边的行（Excel，含行号和原因）"),
                       export.to_xlsx_bytes(set_aside_rows(store, b), "放在一边的行"),
                       file_name=f"放在一边的行-{b.batch_id}.xlsx", key="batch_set_aside",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
if cols[1].button(t("查看该批次导入后的看板"), key="batch_view",
                  help=t("各页面都按该批次导入后的数据显示，直到点“返回最新”。")):
    asof.show(b.seq)
    st.rerun()
mine = b.user == user or not own_only
if active and not mine:
    st.caption(p(f"{t('该批次由')} {b.user} {t('上传；只限部分区县的账号只能回滚自己上传的批次。')}"))
if active and mine and cols[2].button(t("回滚该批次"), key="batch_rollback"):
    st.session_state["rollback_pending"] = b.batch_id

pending = st.session_state.get("rollback_pending")
if pending == b.batch_id and active and mine:
    with st.container(border=True):
        st.warning(f"{t('确认回滚批次')} {pending}？{t('回滚后看板不再包含该批次的数据；原始文件仍保留在归档中，回滚记录可查。')}")
        c = st.columns(2)
        if c[0].button(t("确认回滚"), key="rollback_confirm", type="primary"):
            st.session_state.pop("rollback_pending", None)
            try:
                store.rollback(pending, user, own_only=own_only)
                st.session_state["rollback_result"] = f"{t('已回滚批次')} {pending}"
            except Rejected as r:
                st.session_state["rollback_result"] = "✗ " + "；".join(p.reason for p in r.problems)
            st.rerun()
        if c[1].button(t("取消"), key="rollback_cancel"):
            st.session_state.pop("rollback_pending", None)
            st.rerun()
result = st.session_state.pop("rollback_result", None)
if result:
    (st.error if result.startswith("✗") else st.success)(result)
if not active:
    st.caption(t("该批次已回滚。"))
