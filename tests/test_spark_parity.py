"""Spark (local mode) and DuckDB build the same derived tables row for row, and the board shows the same
figures from either build: on the hand-counted ledger and on every month of the demo district."""

import io
import json
import shutil
from contextlib import redirect_stdout

import pytest

from board import cli, db, definitions as defs, metrics, spark as board_spark
from board.store import Store
from conftest import commit, d
from test_metrics import HAZARDS, INSPECTIONS, TOWNS
from tools import demo_store


@pytest.fixture(scope="module")
def spark():
    # one session for the module: the JVM starts once (about 10 s), every build below reuses it
    session = board_spark.session(partitions=4)
    yield session
    session.stop()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BOARD_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def derived(con) -> dict:
    """Every materialised table: its column types and its rows in one order."""
    return {name: (con.execute(f"describe {name}").fetchall(),
                   con.execute(f"select * from {name} order by all").fetchall())
            for name in db.MATERIALISED}


def reads_spark(con) -> bool:
    return con.execute("select count(*) from duckdb_views() where schema_name = 'cache'").fetchone()[0] > 0


def both_builds(state, spark, cluster_folder=None):
    """(DuckDB-built connection, Spark-built connection) of one store version. With cluster_folder, Spark reads
    the batches by URL and writes to that folder, as on a cluster, and the folder is copied to the app's cache."""
    duck = db.connect(state, materialise=True)  # no Spark build yet: DuckDB builds its cache file
    assert not reads_spark(duck)
    if cluster_folder:
        out = board_spark.build(state, spark=spark, store_url=f"file://{state.root}",
                                out=f"file://{cluster_folder}")
        assert out == f"file://{cluster_folder}" and not db.spark_tables(state).exists()
        shutil.copytree(cluster_folder, db.spark_tables(state))
    else:
        board_spark.build(state, spark=spark)
    built = db.connect(state, materialise=True)
    assert reads_spark(built)
    return duck, built


# The hand-counted ledger of test_metrics, plus what a store may hold that exercises every branch of the SQL:
# an update by id, a later towns listing, indicators with a correction, and a hazard found after it was closed.
MORE_HAZARDS = [
    # h4 again in a later batch, now rectified on 12-20 (after its 12-15 deadline): the later row wins
    dict(hazard_id="h4", town_code="A", found_date=d("2022-12-04"), deadline=d("2022-12-15"),
         rectified_date=d("2022-12-20"), notice_no=3),
    # C: h9 closed 12-01 but found 12-05 (the ingest refuses this; a store may hold it): the first finding after
    # closing is itself, so the first other finding decides: h10 on 12-20, within 60 days → recurred on 12-20
    dict(hazard_id="h9", town_code="C", unit_name="丙库", category="危化品", found_date=d("2022-12-05"),
         rectified_date=d("2022-11-30"), closed_date=d("2022-12-01"), department="应急管理局"),
    dict(hazard_id="h10", town_code="C", unit_name="丙库", category="危化品", found_date=d("2022-12-20"),
         deadline=d("2022-12-25"), department="应急管理局"),
]
INDICATORS = [
    dict(month=d("2022-12-01"), town_code="A", indicator="火警警情数", value=3.0),
    dict(month=d("2022-12-01"), town_code="B", indicator="火警警情数", value=1.5),
    dict(month=d("2021-12-01"), town_code="A", indicator="火警警情数", value=4.0),
]


def test_hand_counted_ledger_builds_the_same_rows_on_both_engines(store, cache, spark, tmp_path):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    commit(store, "inspections", INSPECTIONS)
    commit(store, "hazards", MORE_HAZARDS)
    commit(store, "towns", [dict(TOWNS[2], population=6000)], name="towns-2.csv")
    commit(store, "indicators", INDICATORS)
    commit(store, "indicators", [dict(INDICATORS[1], value=2.0)], name="indicators-2.csv")
    state = store.state()
    duck, built = both_builds(state, spark, cluster_folder=tmp_path / "cluster-out")

    a, b = derived(duck), derived(built)
    assert a == b
    # and the rows are the hand-counted ones, not two engines agreeing on nothing
    rows = {name: rows for name, (_, rows) in b.items()}
    assert sorted(rows["hazard_recurrence"]) == [("h7", d("2022-12-28")), ("h9", d("2022-12-20"))]
    hazards = {r[0]: r for r in rows["hazards"]}
    assert len(hazards) == 10 and hazards["h4"][14] == d("2022-12-20")  # rectified_date of the later batch
    assert {r[0]: r[3] for r in rows["towns"]}["C"] == 6000               # the later towns listing
    indicators = {(r[0], r[1]): r[3] for r in rows["indicators"]}
    assert indicators == {(d("2022-12-01"), "A"): 3.0, (d("2022-12-01"), "B"): 2.0, (d("2021-12-01"), "A"): 4.0}
    rollup = {(r[1], r[2], r[3]): r for r in rows["ledger_rollup"]}
    assert {r[0] for r in rows["ledger_rollup"]} == {d("2023-01-02")}     # the ledger's own now: h6 rectified 01-02
    c = rollup[(d("2022-12-01"), "C", "应急管理局")]
    # found h9 h10; rectified and closed h9; due h10 (12-25), not on time; h10 overdue 01-02 − 12-25 = 8 days;
    # h9 recurred (h10 found 12-20 ≤ 01-02); none aired
    assert c[4:] == (2, 1, 1, 1, 0, 1, 8, 8, 1, 0, 0)

    for period in ("2022-12", "2022-Q4", "2022", "2021-12"):
        p = metrics.parse_period(period)
        for as_of in (None, d("2022-12-31"), d("2022-12-19")):
            assert (metrics.board_metrics(duck, p, as_of, defs.load(store, state))
                    == metrics.board_metrics(built, p, as_of, defs.load(store, state))), (period, as_of)


def test_the_demo_district_gives_every_figure_equal_on_both_engines(cache, spark, monkeypatch):
    store = Store(demo_store.ensure())
    state = store.state()
    duck = db.connect(state, materialise=True)
    definitions = defs.load(store, state)
    months = [m.date() for m in duck.execute(
        "select distinct date_trunc('month', found_date) from hazards order by 1").fetchdf().iloc[:, 0]]
    assert len(months) == 36  # 2023-11 … 2026-10
    periods = [f"{m:%Y-%m}" for m in months] + ["2026-Q3", "2025-H2", "2025"]
    before = {p: metrics.board_metrics(duck, metrics.parse_period(p), None, definitions) for p in periods}
    cli_before = _cli_metrics(store, "2026-10")

    # the command line builds on Spark (local mode, reusing this module's session) and the board reads it
    monkeypatch.setattr(board_spark, "session", lambda master=None, **kw: spark)
    with redirect_stdout(io.StringIO()):
        assert cli.main(["build", "--engine", "spark", "--store", str(store.path)]) == 0
    built = db.connect(state, materialise=True)
    assert reads_spark(built)
    assert derived(duck) == derived(built)
    for p in periods:
        assert metrics.board_metrics(built, metrics.parse_period(p), None, definitions) == before[p], p
    assert before["2026-10"]["district"]["found"] > 0 and before["2026-10"]["towns"]
    assert _cli_metrics(store, "2026-10") == cli_before


def _cli_metrics(store, period: str) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["metrics", "--period", period, "--store", str(store.path), "--json"]) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", ["hazard_recurrence", "hazard_flags", "map_hazards"])
def test_duckdb_only_syntax_is_refused_not_passed_through(name):
    # sqlglot would turn len() on a list into Spark's string length and keep ASOF and macros as they are
    with pytest.raises(board_spark.NotPortable):
        board_spark.transpile(db.sql(name))


def test_every_view_spark_runs_is_its_variant_or_a_clean_transpile():
    files = dict(board_spark.needed())
    assert {n for n, f in files.items() if f.name.endswith(".spark.sql")} == {
        "hazard_recurrence", "hazard_flags", "ledger_now", "ledger_rollup", "overdue_now", "map_tally_rollup",
        "map_cells_rollup"}
    for name, f in files.items():
        text = board_spark.spark_sql(name)
        if not f.name.endswith(".spark.sql"):
            # DuckDB's "month" is an identifier, Spark's a string literal; qualify and * exclude must not leak
            assert '"' not in text and "QUALIFY" not in text.upper() and "EXCEPT" not in text.upper(), name
            assert "_w" not in text.split(" FROM ", 1)[0], name  # the row-number column stays inside


def test_a_city_builds_the_same_on_both_engines(store, cache, spark):
    from board import city
    from test_city import DISTRICTS, HAZARDS as CITY_HAZARDS, TOWNS as CITY_TOWNS

    commit(store, "districts", DISTRICTS)
    commit(store, "towns", CITY_TOWNS)
    commit(store, "hazards", CITY_HAZARDS)
    state = store.state()
    duck, built = both_builds(state, spark)
    assert derived(duck) == derived(built)
    # 丙店 recurred in its own district; 丁厂 found again in the other district is another unit
    assert sorted(built.execute("select * from hazard_recurrence").fetchall()) == [("h4", d("2022-12-20"))]
    definitions = defs.load(store, state)
    p = metrics.parse_period("2022-12")
    assert (city.board_metrics(duck, p, None, definitions)
            == city.board_metrics(built, p, None, definitions))
    scoped = db.connect(state, materialise=True, districts=("Y",))
    assert reads_spark(scoped)
    assert metrics.board_metrics(scoped, p, None, definitions)["district"]["found"] == 4
