"""The meeting screen's URL parameters: nonsense is said in the viewer's language and the screen carries on with its
default."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from ui import meeting
from ui.i18n import EN


def on_screen(markdown: str) -> str:
    """Markdown's backslash escapes taken out, as the text reads on screen."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize("params, said", [
    ({"period": "9999-12"}, "period=9999-12"),
    ({"period": "2022-13"}, "period=2022-13"),
    ({"scale": "nan"}, "scale=nan"),
    ({"scale": "inf"}, "scale=inf"),
    ({"every": "abc"}, "every=abc"),
])
def test_a_nonsense_parameter_is_said_in_chinese(params, said):
    notes = meeting.notices(params)
    assert len(notes) == 1 and said in on_screen(notes[0]) and "无法识别" in notes[0]


def test_a_nonsense_parameter_is_said_in_english_to_an_english_screen():
    notes = meeting.notices({"every": "abc"}, lambda text: EN.get(text, text))
    assert notes == ["The parameter every=abc is not understood (it should be seconds); the slide changes every 20 "
                     "seconds instead"]


def test_a_parameter_is_repeated_literally_not_as_markdown():
    # an image in a caption would be fetched from wherever it points
    notes = meeting.notices({"period": "![x](http://a.b/c)"})
    assert len(notes) == 1 and "![" not in notes[0] and "](" not in notes[0]
    assert "period=![x](http://a.b/c)" in on_screen(notes[0])


def test_good_parameters_say_nothing():
    assert meeting.notices({"period": "2022-12", "scale": "2", "every": "20"}) == []
    assert meeting.period("9999-12") is None and meeting.period("2022-Q4").code == "2022-Q4"


def test_meeting_screen_with_far_period_and_nan_scale_shows_no_error_box(tmp_path, monkeypatch):
    monkeypatch.setenv("BOARD_STORE", str(tmp_path / "store"))    # empty: the demo district
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.query_params["mode"] = "meeting"
    at.query_params["period"] = "9999-12"
    at.query_params["scale"] = "nan"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    captions = on_screen(" ".join(c.value for c in at.caption))
    assert "period=9999-12" in captions and "scale=nan" in captions
    assert any("全区概况" in t.value or "平安晾晒台" in t.value for t in at.title)
