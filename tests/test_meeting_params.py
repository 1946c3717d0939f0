"""The meeting screen's URL parameters: nonsense is said in Chinese and the screen carries on with its default."""

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from ui import meeting


@pytest.mark.parametrize("params, said", [
    ({"period": "9999-12"}, "period=9999-12"),
    ({"period": "2022-13"}, "period=2022-13"),
    ({"scale": "nan"}, "scale=nan"),
    ({"scale": "inf"}, "scale=inf"),
    ({"every": "abc"}, "every=abc"),
])
def test_a_nonsense_parameter_is_said_in_chinese(params, said):
    notes = meeting.notices(params)
    assert len(notes) == 1 and said in notes[0] and "无法识别" in notes[0]


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
    captions = " ".join(c.value for c in at.caption)
    assert "period=9999-12" in captions and "scale=nan" in captions
    assert any("全区概况" in t.value or "平安晾晒台" in t.value for t in at.title)
