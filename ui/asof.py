"""The "viewing the board as of an earlier batch" banner, with the way back to now."""

import streamlit as st

from ui import data
from ui.i18n import p, t

KEY = "as_of_seq"


def viewing() -> dict | None:
    """The manifest event the board is shown as of, or None when it shows now."""
    seq = st.session_state.get(KEY)
    if seq is None:
        return None
    events = data.store().events()
    if events and seq >= events[-1]["seq"]:
        return None  # that batch is the latest state: nothing to warn about
    return next((e for e in events if e["seq"] == seq), {"seq": seq})


def show(seq: int) -> None:
    st.session_state[KEY] = seq


def back_to_now() -> None:
    st.session_state.pop(KEY, None)


def banner(key: str = "asof_return") -> None:
    """A warning on top of the page while the board shows an earlier state; call once per page run."""
    event = viewing()
    if event is None:
        return
    what = event.get("batch_id") or f"#{event['seq']}"
    when = (event.get("time") or "")[:16].replace("T", " ")
    cols = st.columns([5, 1])
    cols[0].warning(p(f"{t('正在查看历史状态')}：{t('批次')} {what}（{when}）{t('导入后的看板，数字不是最新的。')}"))
    cols[1].button(t("返回最新"), key=key, on_click=back_to_now, type="primary")
