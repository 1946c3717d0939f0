"""Deterministic demo district (示例数据), exported the way a grid platform would export it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

# The ledger window is fixed so the demo never depends on today's date.
START = np.datetime64("2023-11-01", "D")
END = np.datetime64("2026-10-31", "D")
N_DAYS = int((END - START).astype(int)) + 1
N_MONTHS = 36
ROWS_PER_YEAR = 15_000

CENTRE_LON, CENTRE_LAT = 121.55, 29.85
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON = 111.32 * np.cos(np.radians(CENTRE_LAT))

NAT = np.datetime64("NaT", "D")

# (code suffix, name, type, aliases); the first alias is the short name used in unit names.
TOWN_SPECS = [
    ("001", "东湖街道", "街道", "东湖、东湖街办"),
    ("002", "明月街道", "街道", "明月"),
    ("003", "南苑街道", "街道", "南苑、南苑街办"),
    ("004", "文昌街道", "街道", "文昌"),
    ("005", "凤鸣街道", "街道", "凤鸣"),
    ("006", "锦屏街道", "街道", "锦屏"),
    ("007", "清风街道", "街道", "清风"),
    ("008", "和顺街道", "街道", "和顺"),
    ("101", "云溪镇", "镇", "云溪"),
    ("102", "梅林镇", "镇", "梅林"),
    ("103", "石塘镇", "镇", "石塘"),
    ("104", "桃源镇", "镇", "桃源"),
    ("105", "龙潭镇", "镇", "龙潭"),
    ("106", "青山镇", "镇", "青山"),
    ("107", "白沙镇", "镇", "白沙"),
    ("108", "双桥镇", "镇", "双桥"),
    ("109", "竹港镇", "镇", "竹港"),
    ("110", "凤岭镇", "镇", "凤岭"),
    ("111", "塘头镇", "镇", "塘头"),
    ("112", "芦浦镇", "镇", "芦浦"),
    ("201", "鹤岭乡", "乡", "鹤岭"),
    ("202", "岩下乡", "乡", "岩下"),
    ("401", "临港经济开发区", "园区", "临港、临港开发区、临港园区"),
    ("402", "高新技术产业园区", "园区", "高新区、高新园区"),
]
CODE_PREFIX = "330212"
TOWN_TYPES = ["街道", "镇", "乡", "园区"]
OFFICE_SUFFIX = {"街道": "办事处", "镇": "人民政府", "乡": "人民政府", "园区": "管委会"}

CATEGORIES = ["消防安全", "安全生产", "道路交通", "燃气安全", "危化品",
              "出租房屋", "电信网络诈骗", "养老诈骗", "食品药品", "建筑施工"]
# Category mix by town type (街道, 镇, 乡, 园区): parks are industrial, streets residential.
CATEGORY_MIX = np.array([
    [24, 8, 8, 14, 2, 16, 10, 5, 8, 5],
    [24, 20, 10, 11, 4, 11, 6, 3, 6, 5],
    [26, 14, 14, 12, 3, 8, 6, 5, 7, 5],
    [22, 32, 8, 6, 12, 4, 3, 1, 4, 8],
], dtype=float)
SOURCES = ["网格上报", "部门检查", "第三方检查(啄木鸟)", "暗访", "群众举报", "智能感知"]
SOURCE_MIX = [0.45, 0.25, 0.08, 0.05, 0.10, 0.07]
SEVERITIES = ["一般", "较大", "重大"]
SEVERITY_MIX = [0.85, 0.13, 0.02]
DEPARTMENTS = ["应急管理局", "消防救援大队", "住建局", "市场监管局", "交通运输局", "公安分局", "综合行政执法局"]
# Lead department per category (primary, secondary).
CATEGORY_DEPARTMENT = [
    (1, 6), (0, 3), (4, 5), (2, 6), (0, 5), (5, 2), (5, 3), (5, 3), (3, 6), (2, 0),
]
DESCRIPTIONS = [
    ["消防通道堵塞", "灭火器过期失效", "电动自行车室内充电", "疏散指示标志损坏", "电气线路私拉乱接", "消防设施未定期维护保养"],
    ["特种作业人员无证上岗", "设备防护装置缺失", "安全警示标志缺失", "有限空间作业未审批", "粉尘防爆措施不到位", "安全生产责任制未落实"],
    ["车辆超载运输", "驾驶员未按规定培训", "车辆未按期年检", "动态监控报警未处理", "货物装载不规范", "交通安全设施缺损"],
    ["燃气软管老化", "未安装燃气泄漏报警装置", "气瓶存放不规范", "燃气管道穿越卧室", "使用非法气源", "未安装熄火保护装置"],
    ["危化品超量储存", "储存场所通风不良", "安全标签缺失", "防爆电气不符合要求", "未建立出入库台账", "应急器材配备不足"],
    ["群租房人均面积不足", "住人与仓储混合", "逃生通道不畅", "未落实流动人口登记", "电动车违规停放充电", "防盗窗未设逃生口"],
    ["反诈宣传未覆盖", "员工未安装国家反诈中心APP", "涉诈银行卡风险未排查", "重点人员劝阻不到位", "预警信息未及时处置", "财务人员反诈培训缺失"],
    ["以保健品名义高价推销", "以免费旅游名义诱导消费", "以投资养老项目名义集资", "虚假宣传养老服务", "未公示收费标准", "诱导老年人签订不公平合同"],
    ["从业人员无健康证", "食品超过保质期", "进货查验记录不全", "后厨卫生不达标", "处方药未凭处方销售", "冷链食品储存温度不达标"],
    ["高处作业未系安全带", "脚手架搭设不规范", "临时用电不规范", "深基坑防护不到位", "起重机械未检测", "施工人员未戴安全帽"],
]
# Kinds of business per category, the tail of a unit name.
BUSINESSES = [
    ["餐饮店", "五金店", "服装厂", "宾馆", "超市", "网吧"],
    ["机械厂", "塑料制品厂", "五金加工厂", "模具厂", "纺织厂", "木业有限公司"],
    ["物流有限公司", "运输有限公司", "驾校", "货运车队", "客运有限公司", "快递网点"],
    ["餐饮店", "小吃店", "面馆", "食堂", "酒楼", "烧烤店"],
    ["化工有限公司", "加油站", "涂料有限公司", "气体经营部", "化学试剂经营部", "油漆店"],
    ["公寓", "青年公寓", "出租楼", "民宿", "宿舍楼", "租赁住房"],
    ["小区", "商务楼", "电子商务有限公司", "科技有限公司", "通讯店", "网络会所"],
    ["保健品店", "养生馆", "老年活动中心", "旅游有限公司", "健康咨询服务部", "养老院"],
    ["餐饮店", "药店", "农贸市场", "食品厂", "超市", "便利店"],
    ["建设工程项目部", "地块项目", "装饰工程有限公司", "建筑公司项目部", "安置房项目", "市政工程标段"],
]
BRAND_FIRST = list("宏鑫华盛金恒永瑞兴新顺隆嘉泰富德丰源达荣安康明光东海天宇万佳和利益通远广建伟亿众诚美正久长立中大汇森")
BRAND_SECOND = list("昌辉祥业茂发鸿运晟宝升豪福星旺锦宸邦邑航悦博创晨信赢聚腾峰润合川成阳凯泽鼎欣弘彩韵")
ROADS = ["兴业路", "人民路", "文化路", "建设路", "工业路", "新华路", "学府路", "振兴路", "环城路", "金山路",
         "望江路", "长春路", "桥头街", "创业大道", "科技路", "滨海路", "永丰路", "光明路", "和平路", "公园路",
         "南山路", "北环路", "后塘村", "前洋村", "石桥村", "新丰村", "大河村", "下王村", "上蒋村", "童家村"]
ROADS_PER_TOWN = 10
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭")
GIVEN_NAMES = ["建国", "志强", "海燕", "立新", "晓峰", "伟", "敏", "丽华", "国平", "建军", "文斌", "红梅",
               "雪芳", "宏伟", "永康", "金龙", "美玲", "振华", "春燕", "国庆", "卫东", "秀英", "建平", "凌云"]
LEADERS_PER_TOWN = 4
ENFORCEMENTS = ["责令整改", "罚款", "关停", "取缔"]
ENFORCEMENT_MIX = [0.50, 0.30, 0.12, 0.08]
INSPECTION_TYPES = ["第三方(啄木鸟)", "暗访", "部门", "联合"]
INDICATORS = ["刑事案件数", "电诈发案数", "火警警情数", "道路交通亡人数", "生产安全事故数", "信访件数"]

# Units per (town, category) relative to that pair's yearly hazards: a bigger pool makes chance
# repeats rarer, so this sets the natural recurrence (~1.5%) and the injected share tops it up.
UNIT_POOL_FACTOR = 10
INJECTED_RECURRENCE = 0.015


@dataclass
class DemoDistrict:
    """The generated demo district, each table with the Chinese headers of a real export."""

    towns: pd.DataFrame
    hazards: pd.DataFrame
    inspections: pd.DataFrame
    indicators: pd.DataFrame
    boundaries: dict


@dataclass
class _Towns:
    codes: list[str]
    names: list[str]
    types: np.ndarray  # index into TOWN_TYPES
    aliases: list[list[str]]
    population: np.ndarray
    area_km2: np.ndarray
    grid_count: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    weight: np.ndarray  # share of the district's hazards
    trend: np.ndarray  # -1 falling behind, 0 steady, +1 improving
    quality: np.ndarray  # (town, month) logit-scale diligence
    roads: list[list[str]]
    leaders: list[list[str]]
    cells: list  # shapely Polygons in lon/lat
    salt: int  # varies unit addresses and points with the seed


def generate(seed: int = 20221, hazard_rows: int | None = None) -> DemoDistrict:
    """Build the demo district; hazard_rows=None gives about 15,000 hazards a year."""
    # Independent streams, so the towns and indicators do not change with hazard_rows.
    town_rng, hazard_rng, inspection_rng, indicator_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    n = 3 * ROWS_PER_YEAR if hazard_rows is None else int(hazard_rows)
    if n < 0:
        raise ValueError("hazard_rows must be ≥ 0")
    towns = _make_towns(town_rng)
    return DemoDistrict(
        towns=_towns_frame(towns),
        hazards=_hazards_frame(hazard_rng, towns, n),
        inspections=_inspections_frame(inspection_rng, towns),
        indicators=_indicators_frame(indicator_rng, towns),
        boundaries=_boundaries_geojson(towns),
    )


def write_exports(out_dir: Path, seed: int = 20221, hazard_rows: int | None = None) -> dict[str, Path]:
    """Write the demo exports (towns.csv with BOM, hazards.parquet, …) into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    demo = generate(seed, hazard_rows)
    paths = {
        "towns": out_dir / "towns.csv",
        "hazards": out_dir / "hazards.parquet",
        "inspections": out_dir / "inspections.parquet",
        "indicators": out_dir / "indicators.csv",
        "boundaries": out_dir / "boundaries.geojson",
        "grids": out_dir / "grids.csv",
        "grid_events": out_dir / "grid_events.parquet",
    }
    # Excel on Chinese Windows only reads UTF-8 CSV correctly with a BOM.
    demo.towns.to_csv(paths["towns"], index=False, encoding="utf-8-sig")
    demo.hazards.to_parquet(paths["hazards"], index=False)
    demo.inspections.to_parquet(paths["inspections"], index=False)
    demo.indicators.to_csv(paths["indicators"], index=False, encoding="utf-8")
    paths["boundaries"].write_text(json.dumps(demo.boundaries, ensure_ascii=False), encoding="utf-8")
    from tools import demo_grids  # the grid level (issue 14); it reads this module's names

    grids = demo_grids.grids_frame(demo.towns, seed)
    grids.to_csv(paths["grids"], index=False, encoding="utf-8-sig")
    demo_grids.events_frame(grids, seed).to_parquet(paths["grid_events"], index=False)
    return paths


# ---------------------------------------------------------------- towns and boundaries


def _make_towns(rng: np.random.Generator) -> _Towns:
    """Town attributes, centres, Voronoi cells and per-month diligence."""
    types = np.array([TOWN_TYPES.index(t) for _, _, t, _ in TOWN_SPECS])
    x, y = _place_centres(rng, types)
    cells_km, cells = _voronoi_cells(rng, x, y)
    area = np.round(shapely.area(cells_km), 2)

    pop_range = {0: (60_000, 180_000), 1: (30_000, 90_000), 2: (20_000, 30_000), 3: (20_000, 50_000)}
    population = np.array([rng.integers(*pop_range[t]) // 100 * 100 for t in types])
    # About one grid per thousand residents; parks grid by enterprise, so fewer.
    per_grid = np.where(types == 3, 1500.0, 1000.0) * rng.uniform(0.85, 1.15, len(types))
    grid_count = np.maximum(np.round(population / per_grid), 8).astype(np.int64)

    type_factor = np.array([1.0, 1.2, 0.9, 2.5])[types]
    weight = population * type_factor * rng.lognormal(0.0, 0.25, len(types))
    weight = weight / weight.sum()

    n = len(types)
    trend = np.zeros(n, dtype=np.int64)
    order = rng.permutation(n)
    trend[order[:6]] = 1
    trend[order[6:11]] = -1
    base = rng.normal(0.0, 0.5, n)
    slope = np.where(trend == 1, 1.8, np.where(trend == -1, -1.8, rng.normal(0.0, 0.15, n)))
    # Month-to-month wobble (AR(1)) so rankings move between meetings.
    shocks = rng.normal(0.0, 0.3, (n, N_MONTHS))
    wobble = np.zeros((n, N_MONTHS))
    for m in range(N_MONTHS):
        wobble[:, m] = (0.5 * wobble[:, m - 1] if m else 0.0) + shocks[:, m]
    t = np.arange(N_MONTHS) / (N_MONTHS - 1) - 0.5
    quality = base[:, None] + slope[:, None] * t[None, :] + wobble

    roads = []
    for _, name, _, aliases in TOWN_SPECS:
        short = aliases.split("、")[0]
        picks = rng.choice(len(ROADS), ROADS_PER_TOWN - 2, replace=False)
        roads.append([f"{short}路", f"{short}中路"] + [ROADS[i] for i in picks])
    people = rng.choice(len(SURNAMES) * len(GIVEN_NAMES), n * LEADERS_PER_TOWN, replace=False)
    leaders = [
        [SURNAMES[p // len(GIVEN_NAMES)] + GIVEN_NAMES[p % len(GIVEN_NAMES)]
         for p in people[i * LEADERS_PER_TOWN:(i + 1) * LEADERS_PER_TOWN]]
        for i in range(n)
    ]

    lon = CENTRE_LON + x / KM_PER_DEG_LON
    lat = CENTRE_LAT + y / KM_PER_DEG_LAT
    return _Towns(
        codes=[CODE_PREFIX + s for s, _, _, _ in TOWN_SPECS],
        names=[name for _, name, _, _ in TOWN_SPECS],
        types=types,
        aliases=[a.split("、") for _, _, _, a in TOWN_SPECS],
        population=population.astype(np.int64),
        area_km2=area,
        grid_count=grid_count,
        lon=np.round(lon, 5),
        lat=np.round(lat, 5),
        weight=weight,
        trend=trend,
        quality=quality,
        roads=roads,
        leaders=leaders,
        cells=cells,
        salt=int(rng.integers(0, 2**62)),
    )


def _place_centres(rng: np.random.Generator, types: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Town centres in km from the district centre: streets in the core, towns around, parks apart."""
    # (min radius, max radius, min angle°, max angle°, min spacing) by type; 临港 sits on the east coast.
    zones = {0: (1.5, 8.0, 0, 360, 3.5), 1: (9.0, 19.0, 0, 360, 6.0), 2: (15.0, 20.0, 200, 250, 6.0)}
    park_zones = [(14.0, 18.0, -25, 25, 6.0), (7.0, 10.0, 60, 120, 4.0)]
    placed: list[tuple[float, float]] = []
    parks_seen = 0
    for t in types:
        if t == 3:
            zone = park_zones[parks_seen % len(park_zones)]
            parks_seen += 1
        else:
            zone = zones[int(t)]
        r_lo, r_hi, a_lo, a_hi, spacing = zone
        for attempt in range(5000):
            # Relax the spacing slowly so placement always finishes.
            gap = spacing * (0.999 ** attempt)
            r = np.sqrt(rng.uniform(r_lo**2, r_hi**2))
            a = np.radians(rng.uniform(a_lo, a_hi))
            p = (r * np.cos(a), r * np.sin(a))
            if all((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 >= gap**2 for q in placed):
                break
        placed.append(p)
    xy = np.array(placed)
    return xy[:, 0], xy[:, 1]


def _voronoi_cells(rng: np.random.Generator, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, list]:
    """Voronoi cells of the centres clipped to an irregular outline: (km cells, lon/lat cells)."""
    points = shapely.points(x, y)
    for _ in range(50):
        outline = _outline(rng, points)
        vor = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline.buffer(30), ordered=True)
        cells_km = shapely.intersection(shapely.get_parts(vor), outline)
        cells = [_to_lonlat(c) for c in cells_km]
        # A wiggly coast can cut a cell in two (or rounding can pinch one); draw another
        # outline rather than drop a piece.
        if all(c.geom_type == "Polygon" and c.is_valid for c in [*cells_km, *cells]):
            return cells_km, cells
    raise RuntimeError("could not draw a district outline with one polygon per town")


def _outline(rng: np.random.Generator, points: np.ndarray) -> shapely.Polygon:
    """An irregular, roughly round district outline that holds every centre with a margin."""
    theta = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    wiggle = np.ones_like(theta)
    for k in range(2, 7):
        wiggle += rng.uniform(0.01, 0.06) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    wiggle += rng.normal(0, 0.01, len(theta))
    radius = 21.0
    while True:
        ring = np.column_stack([radius * wiggle * np.cos(theta), radius * wiggle * np.sin(theta)])
        outline = shapely.Polygon(ring)
        if outline.is_valid and shapely.contains(outline.buffer(-3.0), points).all():
            return outline
        radius *= 1.05


def _to_lonlat(cell_km) -> shapely.Polygon:
    """Project a km cell to WGS-84 lon/lat on a 0.00001° grid, counter-clockwise."""
    scale = np.array([1 / KM_PER_DEG_LON, 1 / KM_PER_DEG_LAT])
    offset = np.array([CENTRE_LON, CENTRE_LAT])
    cell = shapely.transform(cell_km, lambda c: c * scale + offset)
    cell = shapely.set_precision(cell, 1e-5)
    return shapely.orient_polygons(cell, exterior_cw=False)


def _towns_frame(towns: _Towns) -> pd.DataFrame:
    """The towns export."""
    return pd.DataFrame({
        "镇街代码": pd.array(towns.codes, dtype="str"),
        "镇街名称": pd.array(towns.names, dtype="str"),
        "类型": pd.array([TOWN_TYPES[t] for t in towns.types], dtype="str"),
        "常住人口": towns.population,
        "面积(平方公里)": towns.area_km2,
        "网格数": towns.grid_count,
        "经度": towns.lon,
        "纬度": towns.lat,
        "别名": pd.array(["、".join(a) for a in towns.aliases], dtype="str"),
    })


def _boundaries_geojson(towns: _Towns) -> dict:
    """Town cells as a GeoJSON FeatureCollection."""
    features = []
    for code, name, cell in zip(towns.codes, towns.names, towns.cells):
        rings = [cell.exterior, *cell.interiors]
        features.append({
            "type": "Feature",
            "properties": {"town_code": code, "town_name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[round(px, 5), round(py, 5)] for px, py in ring.coords] for ring in rings],
            },
        })
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- hazards


def _hazards_frame(rng: np.random.Generator, towns: _Towns, n: int) -> pd.DataFrame:
    """The hazard ledger as exported at END: n rows, vectorised throughout."""
    found = _found_dates(rng, n)
    month = _month_index(found)
    town = _draw_towns(rng, towns, month)
    category = np.empty(n, dtype=np.int8)
    for t in range(len(TOWN_TYPES)):
        rows = np.flatnonzero(towns.types[town] == t)
        mix = CATEGORY_MIX[t] / CATEGORY_MIX[t].sum()
        category[rows] = rng.choice(len(CATEGORIES), size=len(rows), p=mix)
    severity = rng.choice(3, size=n, p=SEVERITY_MIX).astype(np.int8)

    yearly = (n / 3) * towns.weight[:, None] * (CATEGORY_MIX / CATEGORY_MIX.sum(1, keepdims=True))[towns.types]
    pool = np.ceil(UNIT_POOL_FACTOR * yearly).astype(np.int64) + 20  # (town, category)
    unit = (rng.random(n) * pool[town, category]).astype(np.int64)

    deadline, rectified, closed = _lifecycle(rng, found, severity, towns.quality[town, month])

    # A unit the ledger just crossed off turns up again with the same kind of problem.
    child = np.flatnonzero(rng.random(n) < INJECTED_RECURRENCE)
    is_child = np.zeros(n, dtype=bool)
    is_child[child] = True
    parents = np.flatnonzero(~is_child & (closed < END))
    if len(child) and len(parents):
        parent = parents[rng.integers(0, len(parents), len(child))]
        room = np.minimum(60, (END - closed[parent]).astype(np.int64))
        found[child] = closed[parent] + (1 + (rng.random(len(child)) * room).astype(np.int64))
        town[child], category[child], unit[child] = town[parent], category[parent], unit[parent]
        month[child] = _month_index(found[child])
        deadline[child], rectified[child], closed[child] = _lifecycle(
            rng, found[child], severity[child], towns.quality[town[child], month[child]]
        )

    # Exports list the ledger in id order, which is found-date order.
    order = np.argsort(found, kind="stable")
    found, month, town, category, severity, unit = (a[order] for a in (found, month, town, category, severity, unit))
    deadline, rectified, closed = deadline[order], rectified[order], closed[order]

    escalation = _escalation(rng, deadline, rectified)
    enforce = (escalation == 3) & (rng.random(n) < 0.4)
    enforcement_idx = rng.choice(len(ENFORCEMENTS), size=n, p=ENFORCEMENT_MIX)

    source = rng.choice(len(SOURCES), size=n, p=SOURCE_MIX)
    # Notices air the serious, the escalated and what inspectors dug up; scaled to ~5% overall.
    weight = (np.array([1.0, 3.0, 8.0])[severity] * np.where(escalation > 0, 2.0, 1.0)
              * np.where((source == 2) | (source == 3), 2.0, 1.0))
    aired = rng.random(n) < np.minimum(weight * (0.05 * n / max(weight.sum(), 1.0)), 0.9)
    has_leader = rng.random(n) < np.array([0.005, 0.10, 0.60])[severity]
    leader_idx = town * LEADERS_PER_TOWN + rng.integers(0, LEADERS_PER_TOWN, n)

    primary = np.array([p for p, _ in CATEGORY_DEPARTMENT])[category]
    secondary = np.array([s for _, s in CATEGORY_DEPARTMENT])[category]
    department = np.where(rng.random(n) < 0.8, primary, secondary)
    description = category.astype(np.int64) * 6 + rng.integers(0, 6, n)
    town_ref = _town_refs(rng, towns, town)

    h1 = _unit_hash(towns, town, category, unit)
    h2 = _splitmix64(h1)
    lon, lat = _unit_points(towns, town, h1, h2)

    columns = {
        "隐患编号": _hazard_ids(found),
        "所属镇街": town_ref,
        "隐患类别": _take(CATEGORIES, category),
        "发现渠道": _take(SOURCES, source),
        "隐患等级": _take(SEVERITIES, severity),
        "问题描述": _take([d for ds in DESCRIPTIONS for d in ds], description),
        "责任主体": _unit_names(towns, town, category, unit, h1, int(pool.max())),
        "详细地址": _addresses(towns, town, h2),
        "经度": lon,
        "纬度": lat,
        "责任部门": _take(DEPARTMENTS, department),
        "包案领导": _take([p for ps in towns.leaders for p in ps], leader_idx, mask=~has_leader),
        "发现日期": found.astype("datetime64[ms]"),
        "整改期限": deadline.astype("datetime64[ms]"),
        "整改完成日期": rectified.astype("datetime64[ms]"),
        "销号日期": closed.astype("datetime64[ms]"),
        "督办层级": pd.arrays.IntegerArray(escalation.astype(np.int64), np.zeros(n, dtype=bool)),
        "执法结果": _take(ENFORCEMENTS, enforcement_idx, mask=~enforce),
        "晾晒期号": pd.arrays.IntegerArray((month + 1).astype(np.int64), ~aired),
    }
    return _frame(columns)


def _found_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """n found dates in order, with weekday, holiday, campaign and season effects."""
    dates = START + np.arange(N_DAYS)
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    w = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.35])[weekday]
    month_of_year = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    w *= np.where(month_of_year == 6, 1.2, 1.0)  # 安全生产月
    w *= np.where(np.isin(month_of_year, [11, 12, 1, 2, 3]), 1.1, 1.0)  # fire season
    for new_year in ("2024-02-10", "2025-01-29", "2026-02-17"):
        offset = (dates - np.datetime64(new_year)).astype(np.int64)
        w *= np.where((offset >= -2) & (offset <= 6), 0.25, 1.0)
        w *= np.where((offset >= -30) & (offset < -2), 1.25, 1.0)  # pre-holiday safety sweep
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    w *= np.where((month_of_year == 10) & (day_of_month <= 7), 0.4, 1.0)  # National Day
    w *= 1.0 + 0.06 * np.arange(N_DAYS) / 365.0
    w *= rng.lognormal(0.0, 0.1, N_DAYS)
    per_day = rng.multinomial(n, w / w.sum())
    return np.repeat(dates, per_day)


def _month_index(dates: np.ndarray) -> np.ndarray:
    """Months since 2023-11 (0…35) of dates inside the window."""
    return _DAY_MONTH[(dates - START).astype(np.int64)]


def _draw_towns(rng: np.random.Generator, towns: _Towns, month: np.ndarray) -> np.ndarray:
    """A town per row, by population-driven weight wobbling month to month; month must be sorted."""
    n_towns = len(towns.codes)
    wobble = rng.lognormal(0.0, 0.15, (n_towns, N_MONTHS))
    bounds = np.searchsorted(month, np.arange(N_MONTHS + 1))
    town = np.empty(len(month), dtype=np.int64)
    for m in range(N_MONTHS):
        p = towns.weight * wobble[:, m]
        town[bounds[m]:bounds[m + 1]] = rng.choice(n_towns, size=bounds[m + 1] - bounds[m], p=p / p.sum())
    return town


def _lifecycle(rng: np.random.Generator, found: np.ndarray, severity: np.ndarray, q: np.ndarray):
    """Deadline, rectified and closed dates as of END; q is the town's diligence that month."""
    n = len(found)
    pick = rng.random(n)
    deadline_days = np.where(severity == 0, np.where(pick < 0.6, 7, 15),
                             np.where(severity == 1, np.where(pick < 0.5, 15, 30), 30)).astype(np.int64)
    deadline = found + deadline_days

    on_time = rng.random(n) < _sigmoid(2.4 + q - 0.4 * (severity == 2))
    stuck = rng.random(n) < _sigmoid(-5.2 - q)
    on_the_spot = (severity == 0) & (rng.random(n) < 0.2)  # 立行立改
    within = np.minimum(np.floor(rng.random(n) ** 1.3 * (deadline_days + 1)), deadline_days)
    within = np.where(on_the_spot, 0, within).astype(np.int64)
    late = 1 + np.floor(rng.exponential(14.0 * np.exp(-0.35 * q))).astype(np.int64)
    rectified = found + np.where(on_time, within, deadline_days + late)
    rectified = np.where(stuck | (rectified > END), NAT, rectified)

    # Acceptance usually follows within days; some wait for a re-inspection, a few never pass.
    gap = 1 + np.floor(rng.exponential(3.0 * np.exp(-0.2 * q))).astype(np.int64)
    gap = gap + np.where(rng.random(n) < 0.05, rng.integers(15, 90, n), 0)
    closed = rectified + gap
    closed = np.where((rng.random(n) < 0.005) | (closed > END), NAT, closed)
    return deadline, rectified, closed


def _escalation(rng: np.random.Generator, deadline: np.ndarray, rectified: np.ndarray) -> np.ndarray:
    """0 none, 1 提醒, 2 警示, 3 执法 by days past the deadline (to rectification or END)."""
    n = len(deadline)
    done = np.where(np.isnat(rectified), END, rectified)
    late = (done - deadline).astype(np.int64)
    return ((late > rng.integers(0, 3, n)).astype(np.int8)
            + (late > 10 + rng.integers(0, 10, n))
            + (late > 30 + rng.integers(0, 30, n))).astype(np.int8)


def _town_refs(rng: np.random.Generator, towns: _Towns, town: np.ndarray) -> pa.Array:
    """How the export names each row's town: 80% full name, 15% code, 5% an alias."""
    n_towns = len(towns.codes)
    counts = np.array([len(a) for a in towns.aliases])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    alias = starts[town] + (rng.random(len(town)) * counts[town]).astype(np.int64)
    kind = rng.choice(3, size=len(town), p=[0.80, 0.15, 0.05])
    idx = np.where(kind == 0, town, np.where(kind == 1, n_towns + town, 2 * n_towns + alias))
    return _take(towns.names + towns.codes + [a for al in towns.aliases for a in al], idx)


def _unit_names(towns: _Towns, town, category, unit, h, max_pool: int) -> pa.Array:
    """Responsible unit names, unique within a (town, category) pool: short + brand + business."""
    brands = [a + b for a in BRAND_FIRST for b in BRAND_SECOND]
    n_brands = len(brands)
    # A multiplier coprime to n_brands keeps brands distinct within a pool of up to n_brands units.
    offset = (town * 7 + category.astype(np.int64) * 131) % n_brands
    brand = (unit * 1201 + offset) % n_brands
    business = category.astype(np.int64) * 6 + (h % np.uint64(6)).astype(np.int64)
    # Pools larger than the brand list (benchmark sizes) continue as branches: "…（兴业路店）".
    n_blocks = max_pool // n_brands + 1
    branches = [""] + [f"（{ROADS[(b - 1) % len(ROADS)]}{'' if b <= len(ROADS) else (b - 1) // len(ROADS) + 1}店）"
                       for b in range(1, n_blocks)]
    heads = [a[0] + b for a in towns.aliases for b in brands]
    tails = [b + br for bs in BUSINESSES for b in bs for br in branches]
    return pc.binary_join_element_wise(
        _take(heads, town * n_brands + brand),
        _take(tails, business * n_blocks + unit // n_brands),
        pa.scalar("", pa.large_string()),
    )


def _addresses(towns: _Towns, town, h) -> pa.Array:
    """A stable street address per unit: town + road + number."""
    numbers = 398
    road = (h % np.uint64(ROADS_PER_TOWN)).astype(np.int64)
    number = ((h >> np.uint64(20)) % np.uint64(numbers)).astype(np.int64)
    addresses = [f"{name}{r}{k + 1}号" for name, rs in zip(towns.names, towns.roads) for r in rs for k in range(numbers)]
    return _take(addresses, (town * ROADS_PER_TOWN + road) * numbers + number)


def _unit_points(towns: _Towns, town, h1, h2) -> tuple[np.ndarray, np.ndarray]:
    """A stable point per unit, scattered around its town centre by the town's size."""
    u1 = ((h1 >> np.uint64(11)).astype(np.float64) + 1.0) / 2.0**53
    u2 = (h2 >> np.uint64(11)).astype(np.float64) / 2.0**53
    r = np.minimum(np.sqrt(-2.0 * np.log(u1)), 2.5) * 0.22 * np.sqrt(towns.area_km2[town])
    lon = towns.lon[town] + r * np.cos(2 * np.pi * u2) / KM_PER_DEG_LON
    lat = towns.lat[town] + r * np.sin(2 * np.pi * u2) / KM_PER_DEG_LAT
    return np.round(lon, 6), np.round(lat, 6)


def _hazard_ids(found: np.ndarray) -> pa.Array:
    """"YH" + found date + sequence within the day, e.g. YH2024031500123; found must be sorted."""
    day = (found - START).astype(np.int64)
    seq = np.arange(len(found)) - np.searchsorted(day, day, side="left") + 1
    width = max(5, len(str(int(seq.max())))) if len(seq) else 5
    # Every id has the same length, so the Arrow buffers are filled directly (10M ids in a blink).
    prefixes = np.frombuffer("".join(f"YH{d}" for d in _DAY_YMD).encode("ascii"), dtype=np.uint8).reshape(N_DAYS, 10)
    digits = np.empty((len(found), width), dtype=np.uint8)
    rest = seq.copy()
    for i in range(width - 1, -1, -1):
        digits[:, i] = rest % 10 + ord("0")
        rest //= 10
    chars = np.concatenate([prefixes[day], digits], axis=1)
    length = chars.shape[1]
    offsets = np.arange(len(found) + 1, dtype=np.int64) * length
    return pa.LargeStringArray.from_buffers(len(found), pa.py_buffer(offsets), pa.py_buffer(chars.ravel()))


# ---------------------------------------------------------------- inspections and indicators


def _inspections_frame(rng: np.random.Generator, towns: _Towns) -> pd.DataFrame:
    """Inspection visits: 8 woodpecker units a month, all towns each quarter, plus 暗访/部门/联合."""
    n_towns = len(towns.codes)
    dates, town, kind, points, unit_town = [], [], [], [], []
    for m in range(N_MONTHS):
        first = START.astype("datetime64[M]") + m
        days = np.arange(first.astype("datetime64[D]"), (first + 1).astype("datetime64[D]"))
        workdays = days[np.is_busday(days)]
        # (inspection type, visits this month, fewest points, most points)
        plan = [(0, 8, 15, 60), (1, rng.poisson(10), 5, 20), (2, rng.poisson(45), 5, 40), (3, rng.poisson(6), 20, 60)]
        for k, count, lo, hi in plan:
            dates.append(rng.choice(workdays, count))
            town.append(rng.choice(n_towns, count, p=towns.weight))
            kind.append(np.full(count, k))
            points.append(rng.integers(lo, hi + 1, count))
            unit_town.append(np.zeros(count, dtype=bool))
        # Quarterly evaluation visits every town in the quarter's middle month.
        if (m + 10) % 3 == 1:
            dates.append(rng.choice(workdays, n_towns))
            town.append(np.arange(n_towns))
            kind.append(np.zeros(n_towns, dtype=np.int64))
            points.append(rng.integers(30, 61, n_towns))
            unit_town.append(np.ones(n_towns, dtype=bool))
    dates, town, kind, points, unit_town = (np.concatenate(a) for a in (dates, town, kind, points, unit_town))
    order = np.lexsort((town, dates))
    dates, town, kind, points, unit_town = (a[order] for a in (dates, town, kind, points, unit_town))

    month = _month_index(dates)
    q = towns.quality[town, month]
    found = rng.binomial(points, np.clip(0.11 * np.exp(-0.3 * q), 0.02, 0.4))
    category = rng.integers(0, len(CATEGORIES), len(dates))
    unit = rng.integers(0, 20, len(dates))  # every hazard pool holds at least 20 units
    h = _unit_hash(towns, town, category, unit)
    units = _unit_names(towns, town, category, unit, h, 20).to_pylist()
    offices = [name + OFFICE_SUFFIX[TOWN_TYPES[t]] for name, t in zip(towns.names, towns.types)]
    units = [offices[t] if whole else u for t, whole, u in zip(town, unit_town, units)]

    seq = np.arange(len(dates)) - np.searchsorted(month, month, side="left") + 1
    ids = [f"JC{y}{s:04d}" for y, s in zip(_ymd(dates) // 100, seq)]
    return pd.DataFrame({
        "检查编号": pd.array(ids, dtype="str"),
        "检查日期": dates.astype("datetime64[ms]"),
        "所属镇街": pd.array([towns.names[t] for t in town], dtype="str"),
        "检查类型": pd.array([INSPECTION_TYPES[k] for k in kind], dtype="str"),
        "被检查单位": pd.array(units, dtype="str"),
        "检查点位数": pd.array(points, dtype="Int64"),
        "发现隐患数": pd.array(found, dtype="Int64"),
    })


def _indicators_frame(rng: np.random.Generator, towns: _Towns) -> pd.DataFrame:
    """Outcome indicators, one row per town per month, wide as exported."""
    n_towns = len(towns.codes)
    months = np.repeat(np.arange(N_MONTHS), n_towns)
    town = np.tile(np.arange(n_towns), N_MONTHS)
    years = months / 12.0
    per_10k = towns.population[town] / 10_000
    kind = towns.types[town]
    # Improving towns get safer year on year, laggards worse.
    drift = np.exp(np.array([0.12, 0.0, -0.15])[towns.trend[town] + 1] * years)
    month_of_year = (months + 10) % 12 + 1
    winter = np.where(np.isin(month_of_year, [11, 12, 1, 2, 3]), 1.3, 1.0)
    industrial = np.array([1.0, 1.5, 1.2, 3.0])[kind]

    rates = {
        "刑事案件数": (1.2 * per_10k * drift, 40),
        "电诈发案数": (0.9 * per_10k * drift * np.exp(-0.08 * years), 30),
        "火警警情数": ((0.45 * per_10k + np.where(kind == 3, 3.0, 0.0)) * winter * drift, 40),
        "道路交通亡人数": ((0.05 + 0.0015 * towns.area_km2[town]) * drift, 2),
        "生产安全事故数": (0.12 * industrial * drift, 3),
        "信访件数": (1.0 * per_10k * drift, 60),
    }
    frame = {
        "统计月份": pd.array([f"{(m + 10) // 12 + 2023}-{(m + 10) % 12 + 1:02d}" for m in months], dtype="str"),
        "所属镇街": pd.array([towns.names[t] for t in town], dtype="str"),
    }
    for name, (lam, cap) in rates.items():
        frame[name] = np.minimum(rng.poisson(lam), cap).astype(np.int64)

    base = rng.normal(96.0, 0.8, n_towns)
    trend = np.array([-0.5, 0.0, 0.6])[towns.trend + 1]
    satisfaction = np.clip(base[town] + trend[town] * years + rng.normal(0.0, 0.25, len(town)), 92.0, 99.5)
    frame["群众安全感满意率"] = pd.array([f"{v:.2f}%" for v in satisfaction], dtype="str")
    return pd.DataFrame(frame)


# ---------------------------------------------------------------- helpers


def _take(values: list[str], idx: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """values[idx] as an Arrow string array; masked rows are null (an empty cell)."""
    # large_string is what pandas stores; producing it here saves a cast per column.
    return pc.take(pa.array(values, pa.large_string()), pa.array(np.asarray(idx, dtype=np.int64), mask=mask))


def _ymd(days: np.ndarray) -> np.ndarray:
    """yyyymmdd integers from datetime64[D]."""
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    return year * 10_000 + month * 100 + day


_DAY_MONTH = (
    (START + np.arange(N_DAYS)).astype("datetime64[M]") - START.astype("datetime64[M]")
).astype(np.int64)
_DAY_YMD = _ymd(START + np.arange(N_DAYS))


def _frame(columns: dict) -> pd.DataFrame:
    """A DataFrame of Arrow-backed str, nullable Int64, datetime64[ms] and float columns, without copies."""
    return pd.DataFrame(
        {name: pd.Series(col, dtype="str") if isinstance(col, pa.Array) else col for name, col in columns.items()},
        copy=False,
    )


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _unit_hash(towns: _Towns, town, category, unit) -> np.ndarray:
    """A per-unit hash, the same in hazards and inspections."""
    key = ((town.astype(np.uint64) << np.uint64(40))
           | (category.astype(np.uint64) << np.uint64(32))
           | unit.astype(np.uint64))
    return _splitmix64(key ^ np.uint64(towns.salt))


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """A well-mixed 64-bit hash, so a unit's address and point stay the same wherever it recurs."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))
