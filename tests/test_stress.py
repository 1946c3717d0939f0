"""Crash safety at CI size: SIGKILL the real CLI ingest at random points; readers during an ingest.

The full-size runs (50 kills) are `python -m board bench --crash-trials 50`; see tools/crash.py.
"""

import pytest

from tools import crash


TRIALS = 20


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("crash")


def test_sigkill_during_cli_ingest_leaves_old_or_new_and_needs_no_cleanup(work):
    r = crash.trials(work, TRIALS)
    bad = [d for d in r["details"] if d["outcome"] == "bad"]
    assert not bad, bad
    assert r["old"] + r["new"] == TRIALS
    # the kills must land inside the ingest, not after it: most trials find the ingest still running
    assert sum(not d["finished_before_kill"] for d in r["details"]) >= TRIALS // 2
    assert r["old"] > 0


def test_readers_during_ingest_see_one_whole_version_without_lock_errors(work):
    r = crash.readers_during_ingest(work, readers=2, ingests=2)
    assert r["errors"] == []
    assert r["inconsistent"] == 0
    assert r["reads"] > 0 and r["versions_seen"] >= 2
