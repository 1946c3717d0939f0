"""tools/first_page.py on the demo store: it serves the board, opens the overview in fresh Chromium contexts and
reports each mark of the first page in order (not a timing target: the shared machine decides the seconds)."""

import json

from tools import first_page

MARKS = ("response", "dom", "app", "running", "finished", "kpis", "table", "ready", "chart", "settled")


def test_the_first_page_tool_reports_every_mark_in_order(tmp_path):
    out = tmp_path / "first-page.json"
    # an empty real store: the board shows the demo district
    assert first_page.main(["--store", str(tmp_path / "empty-store"), "--runs", "2", "--timeout", "120",
                            "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert len(result["warm"]) == 2 and result["outside_requests"] == 0
    for run in [result["first_visit"], *result["warm"]]:
        assert set(MARKS) <= set(run) and run["page_errors"] == []
        assert 0 < run["response"] <= run["dom"] <= run["app"] <= run["running"] < run["finished"] < 120
        assert abs(run["ready"] - max(run["kpis"], run["table"])) <= 0.002  # each mark rounded to the ms on its own
        # the trend is drawn after the rest, by a second script run that follows the first
        assert run["chart"] > run["ready"] and run["chart"] > run["finished"] and run["settled"] >= run["chart"]
        assert run["script_s"] == round(run["finished"] - run["running"], 3) > 0
    summary = result["warm_summary"]["ready"]
    assert summary["min"] <= summary["median"] <= summary["max"] < 120
    assert result["server_rss_gb"] > 0.05 and len(result["load_avg_before"]) == 3


def test_the_html_league_says_what_the_plotly_table_says_with_names_escaped():
    import pandas as pd

    from render import charts

    towns = pd.DataFrame({"town_code": ["a", "b"], "town_name": ["<b>甲&区</b>", "乙县"], "rank": [1, 2],
                          "rank_change": [2, -1], "score": [91.234, None], "tier": ["green", None],
                          "has_data": [True, False], "found": [3, 0]})
    components = [("found", "发现隐患", "count")]
    spec = charts.league_table(towns, components).data[0].cells.values
    shown = charts.league_html(towns, components)
    for column in spec:
        for text in column:
            assert f">{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</td>" in shown
    assert "<b>甲" not in shown and "&lt;b&gt;甲&amp;区&lt;/b&gt;" in shown
    # 91.234 → "91.23", a town without data "—" and 无数据; ▲2 green, ▼1 red; the green tier's fill
    assert ">91.23</td>" in shown and ">—</td>" in shown and ">无数据</td>" in shown
    assert "color:#2e7d32;text-align:center;padding:4px 8px;height:40px;border:1px solid #fff\">▲2<" in shown
    assert "color:#c62828" in shown and "background:#2e7d32;color:#ffffff" in shown
