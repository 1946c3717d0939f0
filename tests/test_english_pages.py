"""Every page in English through AppTest: what the browser test cannot read (dataframes are drawn on a canvas,
chart specs) holds no Chinese except data; the notice page's figures are the notice's."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from board import auth
from conftest import ROOT, page_path
from test_browser_english import CJK, data_words

PAGES = ["overview", "league", "hazard_map", "progress", "town", "grids", "login",
         "upload", "batches", "definitions", "boundaries", "notice"]


@pytest.fixture(autouse=True)
def demo_only(tmp_path, monkeypatch):
    monkeypatch.setenv("BOARD_STORE", str(tmp_path / "empty"))     # an empty real store: the demo district
    monkeypatch.setenv("BOARD_USERS", str(tmp_path / "users.json"))


@pytest.fixture(scope="module")
def words():
    return data_words()


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def shown(at: AppTest) -> list[str]:
    """The texts an English page shows, as AppTest sees them."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error",
                 "text"):
        out += [str(e.value) for e in at.get(kind)]
    for m in at.metric:
        out += [m.label, str(m.value), str(m.proto.delta or "")]
    for d in at.dataframe:
        out += [str(c) for c in d.value.columns]
        out += [v for c in d.value.columns for v in d.value[c] if isinstance(v, str)]
    for kind in ("button", "selectbox", "multiselect", "radio", "number_input", "slider", "checkbox"):
        for w in at.get(kind):
            out.append(str(w.label))
            out += [str(o) for o in getattr(w, "options", [])]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out += list(strings(spec.get("layout", {})))
        for trace in spec.get("data", []):
            out += [s for key, v in trace.items() if key not in ("customdata", "ids") for s in strings(v)]
    return out


def leftover(texts: list[str], words: list[str]) -> list[str]:
    left = set()
    for text in texts:
        if not CJK.search(text):
            continue
        rest = text
        for w in words:
            if w in rest:
                rest = rest.replace(w, " ")
        if CJK.search(rest):
            left.add(text)
    return sorted(left)


@pytest.mark.parametrize("page", PAGES)
def test_page_in_english_has_no_chinese_but_data(page, words):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    auth.add("tester", "password-1")         # the analyst pages too: a session of an account the file holds
    at.session_state["analyst"] = "tester"
    at.run()
    at.switch_page(page_path(page))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    texts = shown(at)
    assert len(texts) > 5
    assert leftover(texts, words) == []


def test_towns_without_data_are_named_in_english(tmp_path, monkeypatch, words):
    from board.store import Store
    from conftest import commit
    from test_metrics import HAZARDS, TOWNS

    store = Store(tmp_path / "real")
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)          # 丙园区 has no hazards in 2022-12
    monkeypatch.setenv("BOARD_STORE", str(store.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(page_path("league"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    warnings = [str(w.value) for w in at.warning]
    assert any(w.startswith("No data: 丙园区 (no hazards recorded in 2022-12, no Rectification rate")
               for w in warnings), warnings
    names = sorted(words + [t["town_name"] for t in TOWNS], key=len, reverse=True)
    assert leftover(warnings, names) == []


MEETING_TITLES = {"overview": "District overview", "league": "League · safety index",
                  "map": "Tiers · green / yellow / red", "progress": "Progress · rectification and closure rates",
                  "red": "Red alert · "}


@pytest.mark.parametrize("slide", list(MEETING_TITLES))
def test_meeting_screen_in_english_has_no_chinese_but_data(slide, words):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    # ?lang=en as the meeting room's link carries it; a nonsense parameter, so that its notice is read too
    for k, v in {"mode": "meeting", "lang": "en", "slides": slide, "every": "soon"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    titles = [str(e.value) for e in at.title]
    assert len(titles) == 1 and titles[0].startswith(MEETING_TITLES[slide]), titles
    texts = shown(at)
    for chart in at.get("deck_gl_json_chart"):            # the map slide's tier names and tooltip
        texts += list(strings(json.loads(chart.proto.json))) + [chart.proto.tooltip]
    assert any(t.startswith("The parameter every=soon is not understood") for t in texts)
    assert any("Slide 1 of " in t for t in texts) and any("Demo data" in t for t in texts)
    assert leftover(texts, words) == []
