"""A tiny benchmark run: the pandas peer equals the board, and the result JSON has what the report needs."""

import json

import pytest

from tools import bench
from board.cli import main


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    work = tmp_path_factory.mktemp("work")
    # two hazards exports, so the bench's multi-file ingest is exercised too
    assert main(["bench", "--rows", "20000", "--file-rows", "10000", "--runs", "1", "--peer-runs", "1",
                 "--out", str(out),
                 "--work", str(work)]) == 0
    return json.loads((out / "bench-20k.json").read_text("utf-8"))


def test_bench_json_has_machine_ingest_and_targets(result):
    assert result["rows"] == 20000
    assert result["machine"]["cores"] >= 1 and result["machine"]["memory_gb"] > 0
    h = result["ingest"]["hazards"]
    assert h["files"] == 2 and h["rows_per_s"] > 0 and h["peak_rss_gb"] > 0
    assert set(result["targets"]) >= {"worst_p95_s", "p95_ok", "min_ratio", "ratio_ok", "ingest_ok", "rss_ok"}
    assert result["periods"].keys() == {"month", "quarter", "year"}


def test_every_page_query_is_timed_for_every_period(result):
    assert {"ledger_metrics", "hazard_tally", "overdue_list", "indicator_values"} <= set(result["queries"])
    for op in ["metrics.league", "map", *result["queries"]]:
        for kind in ("month", "quarter", "year"):
            b = result["timings"][op][kind]["board"]
            assert 0 < b["median_s"] <= b["p95_s"]


def test_pandas_peer_was_compared_and_timed(result):
    # check_equal raised inside the run if any town's count differed; here the peer ran and was timed
    assert result["peer_equal"] is True
    for op in ("metrics.league", "ledger_metrics", "map", "overdue_list"):
        assert result["timings"][op]["year"]["ratio"] > 0


def test_map_mismatch_with_the_peer_is_reported():
    import pandas as pd

    cells = pd.DataFrame({"cell_x": [1, 2], "cell_y": [1, 1], "status": ["逾期", "逾期"], "hazards": [3, 1],
                          "major": [0, 0]})
    bench.check_map_equal(("cells", cells), ("cells", cells.iloc[::-1]))  # order does not matter
    with pytest.raises(AssertionError, match="cells differ"):
        bench.check_map_equal(("cells", cells), ("cells", cells.assign(hazards=[3, 2])))
    with pytest.raises(AssertionError, match="board draws cells"):
        bench.check_map_equal(("cells", cells), ("points", cells))


def test_peer_mismatch_is_reported_with_the_town(tmp_path):
    import pandas as pd

    board = pd.DataFrame({"is_district": [False, False], "town_code": ["A", "B"],
                          **{c: [1, 2] for c in bench.COMPARED}})
    peer = board.drop(columns="is_district").copy()
    peer.loc[1, "recurred"] = 3
    with pytest.raises(AssertionError, match="recurred.*B"):
        bench.check_equal(board, peer)
