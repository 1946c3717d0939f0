"""The demo district's grids (its towns' 网格数, ~68 a town) and a year of grid events, exported with the
Chinese headers of a grid platform; deterministic, vectorised (the bench draws millions the same way)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tools import demo

MONTHS = 12
FIRST_MONTH = demo.END.astype("datetime64[M]") - (MONTHS - 1)  # the year ending with the demo's last month
EVENTS_PER_GRID_MONTH = 10.0
CATEGORIES = ["矛盾纠纷", "安全隐患", "消防隐患", "环境卫生", "治安防控", "出租房屋", "特殊人群", "民生服务"]
CATEGORY_MIX = [0.16, 0.20, 0.12, 0.18, 0.08, 0.10, 0.06, 0.10]
SOURCES = ["网格员巡查", "群众上报", "智能感知"]
SOURCE_MIX = [0.72, 0.18, 0.10]
DEADLINE_DAYS = np.array([3, 5, 7, 15])
DEADLINE_MIX = [0.25, 0.35, 0.30, 0.10]
DONE, OVERDUE, HANDLING, RETURNED = "已办结", "已超期", "处置中", "退回"


def grids_frame(towns: pd.DataFrame, seed: int = 20221) -> pd.DataFrame:
    """The grids export: 网格编码, 网格名称, 所属镇街 (by name), 网格员, 户数, 人口, as many a town as its 网格数."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 14, 1]))
    per_town = towns["网格数"].to_numpy(dtype=np.int64)
    town = np.repeat(np.arange(len(towns)), per_town)
    k = np.concatenate([np.arange(1, n + 1) for n in per_town])
    short = [a.split("、")[0] for a in towns["别名"]]
    codes = towns["镇街代码"].to_numpy(dtype=object)
    people = towns["常住人口"].to_numpy(dtype=np.float64)[town] / per_town[town]
    population = np.round(people * rng.uniform(0.7, 1.3, len(town))).astype(np.int64)
    households = np.round(population / rng.uniform(2.3, 2.9, len(town))).astype(np.int64)
    n = len(town)
    worker = [demo.SURNAMES[i % len(demo.SURNAMES)] + demo.GIVEN_NAMES[(i * 7 + i // 30) % len(demo.GIVEN_NAMES)]
              for i in rng.permutation(n)]
    return pd.DataFrame({
        "网格编码": pd.array([f"{codes[t]}{j:03d}" for t, j in zip(town, k)], dtype="str"),
        "网格名称": pd.array([f"{short[t]}第{j}网格" for t, j in zip(town, k)], dtype="str"),
        "所属镇街": pd.array(towns["镇街名称"].to_numpy(dtype=object)[town], dtype="str"),
        "网格员": pd.array(worker, dtype="str"),
        "户数": households,
        "人口": population,
    })


def events_frame(grids: pd.DataFrame, seed: int = 20221, per_grid_month: float = EVENTS_PER_GRID_MONTH,
                 first_month=FIRST_MONTH, months: int = MONTHS, end=demo.END) -> pd.DataFrame:
    """A year of grid events as exported on `end`: each grid has a diligence that drifts month to month, so
    stars rise and fall; rows are in reported order."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 14, 2, int(per_grid_month * 1000)]))
    g = len(grids)
    base = rng.normal(0.3, 0.8, g)
    drift = np.cumsum(rng.normal(0.0, 0.35, (g, months)), axis=1)
    skill = base[:, None] + drift - drift.mean(axis=1, keepdims=True) * 0.5  # (grid, month)
    lam = per_grid_month * np.exp(0.25 * skill) / np.exp(0.25 ** 2 * 1.6 / 2)
    count = rng.poisson(lam)
    grid = np.repeat(np.repeat(np.arange(g), months), count.reshape(-1))
    month = np.repeat(np.tile(np.arange(months), g), count.reshape(-1))
    n = len(grid)
    q = skill[grid, month]
    start = (np.datetime64(first_month, "M") + month).astype("datetime64[D]")
    length = ((np.datetime64(first_month, "M") + month + 1).astype("datetime64[D]") - start).astype(np.int64)
    reported = start + (rng.random(n) * length).astype(np.int64)
    reported = np.minimum(reported, end)
    days = DEADLINE_DAYS[rng.choice(len(DEADLINE_DAYS), n, p=DEADLINE_MIX)]
    deadline = reported + days
    valid = rng.random(n) < demo._sigmoid(2.2 + 0.8 * q)
    closes = rng.random(n) < demo._sigmoid(2.6 + 1.0 * q)
    in_time = rng.random(n) < demo._sigmoid(1.4 + 1.0 * q)
    delay = np.where(in_time, (rng.random(n) * (days + 1)).astype(np.int64), days + 1 + rng.integers(0, 20, n))
    closed = reported + delay
    closed = np.where(closes & (closed <= end), closed, np.datetime64("NaT", "D"))
    is_closed = ~np.isnat(closed)
    status = np.where(is_closed, 0, np.where(~valid & (rng.random(n) < 0.5), 3, np.where(deadline < end, 1, 2)))
    judged = rng.random(n) > 0.01  # a few not yet judged valid or not
    order = np.argsort(reported, kind="stable")
    grid, reported, deadline, closed, valid, judged, status = (
        a[order] for a in (grid, reported, deadline, closed, valid, judged, status))
    category = rng.choice(len(CATEGORIES), n, p=CATEGORY_MIX)
    source = rng.choice(len(SOURCES), n, p=SOURCE_MIX)
    codes = grids["网格编码"].to_numpy(dtype=object)
    names = grids["网格名称"].to_numpy(dtype=object)
    by_name = rng.random(n) < 0.05  # some platforms write the grid's name
    grid_ref = pc.if_else(pa.array(by_name), demo._take(list(names), grid), demo._take(list(codes), grid))
    reporter = pc.if_else(pa.array(source == 0), demo._take(list(grids["网格员"]), grid),
                          demo._take(["群众", "群众", "感知设备"], source))
    ymd = demo._ymd(reported)
    seq = np.arange(n) - np.searchsorted(ymd, ymd)  # 0, 1, 2 … within each day
    ids = pc.binary_join_element_wise(pa.array(np.char.mod("SJ%d", ymd)),
                                      pa.array(np.char.mod("%05d", seq)), "")
    return demo._frame({
        "事件编号": ids,
        "所属网格": grid_ref,
        "上报时间": reported.astype("datetime64[ms]"),
        "事件类型": demo._take(CATEGORIES, category),
        "事件来源": demo._take(SOURCES, source),
        "办理时限": deadline.astype("datetime64[ms]"),
        "办结时间": closed.astype("datetime64[ms]"),
        "办理状态": demo._take([DONE, OVERDUE, HANDLING, RETURNED], status),
        "是否有效": demo._take(["无效", "有效"], valid.astype(np.int64), mask=~judged),
    } | {"上报人": reporter})
