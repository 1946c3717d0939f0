"""The league page's 晾晒图 button: the PNG of render.image for the league shown, made on the click."""

from __future__ import annotations

import streamlit as st

from board import metrics
from render import image
from ui import data, i18n, shell


def download_button(period: metrics.Period, towns, key: str = "league-image") -> None:
    """One click: the league as a phone-sized PNG for the work group (per group when groups are set)."""
    # the picture is drawn on Streamlit's download thread, which has no session: fix everything it needs now
    t, label, previous = i18n.fixed(), shell.label(period), shell.label(period.previous())
    as_of, is_demo, tiers = data.as_of(), data.is_demo(), data.definitions().get("tiers")
    stem = f"晾晒图_{period.code}{'_示例数据' if is_demo else ''}"
    st.download_button(i18n.t("下载晾晒图（PNG）"),
                       lambda: image.league_png(towns, period_label=label, as_of=as_of, is_demo=is_demo,
                                                tiers=tiers, previous_label=previous, t=t),
                       file_name=f"{stem}.png", mime="image/png", on_click="ignore", key=key,
                       help=i18n.t("镇街排名图片，宽 1080 像素，适合发到工作群"))
