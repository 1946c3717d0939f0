"""A stranger's wrong passwords slow the stranger down, not the analyst on their own machine."""

import pytest

from board import auth


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    auth.add("王分析", "correct horse", path)
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())
    return path


def test_wrong_passwords_from_another_client_do_not_lock_out_the_analyst(users):
    for _ in range(8):                                                     # a stranger at 10.0.0.66
        assert not auth.verify("王分析", "guess", users, client="10.0.0.66")
    assert auth.THROTTLE.retry_after(auth.throttle_key("王分析", "10.0.0.66")) > 0    # the stranger waits
    assert auth.verify("王分析", "correct horse", users, client="10.0.0.5")        # the analyst logs in


def test_the_stranger_stays_throttled_even_with_the_right_password(users):
    for _ in range(5):
        auth.verify("王分析", "guess", users, client="10.0.0.66")
    assert not auth.verify("王分析", "correct horse", users, client="10.0.0.66")    # not even checked
