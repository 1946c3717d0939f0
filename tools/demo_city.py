"""Deterministic demo city (示例市) of six districts (县市区), exported the way the districts would hand it over.

One district is the demo district of tools.demo, town for town and row for row (so its figures in the city are
the demo's figures); the other five are drawn here with their own towns, sizes and courses over the three
years: one improves steadily, one declines, one stays level but jumpy, one improves late, one dips and
recovers. A town name (城关镇) repeats in two districts, as it does in real cities; every export names those
two towns by code, since a name alone cannot tell them apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from tools import demo, demo_grids

PER_TOWN = 3 * demo.ROWS_PER_YEAR / len(demo.TOWN_SPECS)  # hazards a town over the window, as in the demo
HAZARD_FILE_ROWS = 500_000  # a ledger export larger than this comes in parts, oldest first
# a generated district's grid events per grid and month: fewer than the demo district's 10 (which stay, row for
# row), so the city builds in seconds
GRID_EVENTS_PER_MONTH = 1.5
SHARED_NAME = "城关镇"  # the seat town of both counties: the name alone cannot say which

# Months at which a district's course is pinned (the first, a year on, two years on, the last).
KNOTS = [0, 12, 24, demo.N_MONTHS - 1]


@dataclass(frozen=True)
class DistrictSpec:
    code: str  # 6 digits; its towns' codes are these + 3
    name: str
    anchor: tuple[float, float]  # km east and north of the demo district's centre: where the district lies
    towns: tuple[int, int, int, int] = (0, 0, 0, 0)  # how many 街道, 镇, 乡, 园区
    course: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # diligence (logit) at KNOTS
    jitter: float = 0.2  # sd of the district's month-to-month wobble
    intensity: float = 1.0  # hazards per town relative to the demo district's
    stems: tuple[str, ...] = ()  # town name stems, in town order; 城关 is the shared 城关镇


DISTRICTS = [
    # today's demo district (tools.demo), unchanged
    DistrictSpec("330212", "东湖区", (0.0, 0.0)),
    DistrictSpec("330204", "西城区", (-36.0, 12.0), (12, 5, 0, 1), (-1.1, -0.4, 0.4, 1.1), intensity=1.0, stems=(
        "金桥", "银湖", "玉泉", "紫薇", "丹桂", "香樟", "银杏", "枫林", "柳岸", "杏花", "荷塘", "兰亭",
        "翠屏", "碧溪", "松岭", "柏林", "樟树", "西岙")),
    DistrictSpec("330207", "江滨区", (-24.0, -31.0), (9, 10, 0, 3), (1.0, 0.35, -0.35, -1.0), intensity=1.1, stems=(
        "古城", "新桥", "长乐", "永安", "太平", "安仁", "仁和", "崇德", "广福", "兴隆", "福田", "嘉禾",
        "丰乐", "乐成", "宏道", "前仓", "后宅", "上塘", "东岙", "南渡", "北渡", "江口")),
    DistrictSpec("330208", "临江区", (-14.0, 37.0), (4, 9, 0, 3), (0.1, -0.1, 0.1, -0.1), jitter=0.5, intensity=1.2,
                 stems=("中和", "大溪", "横溪", "洪溪", "浦口", "渡头", "埠头", "潭头", "岭口", "马岭", "鹿山",
                        "虎啸", "雁门", "鸣凤", "燕山", "鹊桥")),
    DistrictSpec("330227", "青溪县", (-76.0, 16.0), (3, 15, 8, 1), (-0.5, -0.5, 0.1, 1.0), intensity=0.7, stems=(
        "莺歌", "凤凰", "春晖", "城关", "石门", "清泉", "杨柳", "梨园", "竹溪", "花溪", "茶山", "桂花",
        "松溪", "杜鹃", "枫岙", "岭头", "坑口", "水口", "高山", "白云", "雾岭", "溪源", "上坪", "下坪",
        "云岗", "仙岩", "溪谷")),
    DistrictSpec("330284", "安澜市", (-66.0, -30.0), (5, 12, 2, 1), (0.6, -0.7, -0.3, 0.7), intensity=0.9, stems=(
        "安澜", "澜湾", "锦绣", "朝阳", "新浦", "城关", "观海", "望潮", "海岙", "盐仓", "沙地", "潮音",
        "渔山", "蟹浦", "苇塘", "海棠", "芦荻", "东礁", "西礁", "澜港")),
]

# A park's name ends by its position among the district's parks; a street, town or township's by its type.
PARK_SUFFIX = ["经济开发区", "工业园区", "产业集聚区"]
# Residents by town type (街道, 镇, 乡, 园区), drawn uniformly in these ranges.
POPULATION = [(40_000, 150_000), (25_000, 80_000), (8_000, 25_000), (15_000, 45_000)]


@dataclass
class District:
    spec: DistrictSpec
    towns: demo._Towns
    outline: shapely.Polygon  # lon/lat: the union of its towns' cells


@dataclass
class City:
    seed: int
    districts: list[District]


def plan(seed: int = 20221) -> City:
    """The city's districts and towns, their boundaries and their courses (no ledger yet)."""
    core = demo._make_towns(np.random.default_rng(np.random.SeedSequence(seed).spawn(4)[0]))  # as demo.generate does
    own = _to_km(shapely.union_all(core.cells))
    layout = np.random.default_rng(np.random.SeedSequence([seed, 15, 0]))
    outlines = _district_outlines(layout, own, [s.anchor for s in DISTRICTS[1:]])
    districts = [District(DISTRICTS[0], core, shapely.union_all(core.cells))]
    for k, (spec, outline) in enumerate(zip(DISTRICTS[1:], outlines), start=1):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 15, k, 0]))
        towns = _make_towns(rng, spec, outline)
        districts.append(District(spec, towns, shapely.union_all(towns.cells)))
    return City(seed, districts)


def hazard_counts(rows: int | None = None) -> dict[str, int | None]:
    """Hazards per district code: the demo district's default and about as many a town elsewhere, or `rows`
    shared out in those proportions (largest remainders, so they add up to rows exactly)."""
    base = [3 * demo.ROWS_PER_YEAR] + [round(PER_TOWN * sum(s.towns) * s.intensity) for s in DISTRICTS[1:]]
    if rows is None:
        return {s.code: (None if k == 0 else n) for k, (s, n) in enumerate(zip(DISTRICTS, base))}
    if rows < 0:
        raise ValueError("隐患台账行数不能是负数")
    share = np.array(base, dtype=float) * rows / sum(base)
    counts = np.floor(share).astype(np.int64)
    counts[np.argsort(-(share - counts), kind="stable")[:rows - counts.sum()]] += 1
    return {s.code: int(n) for s, n in zip(DISTRICTS, counts)}


def write_exports(out_dir: Path, seed: int = 20221, hazard_rows: int | None = None) -> dict[str, list[Path]]:
    """Write the city's exports into out_dir: dataset → its files in the order to ingest them (hazards one
    file per district, in parts above HAZARD_FILE_ROWS), plus the town and district boundaries."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    city = plan(seed)
    paths: dict[str, list[Path]] = {
        "districts": [out_dir / "区县名单.csv"], "towns": [out_dir / "镇街名单.csv"], "hazards": [],
        "inspections": [out_dir / "检查记录.parquet"], "indicators": [out_dir / "结果指标.csv"],
        "grids": [out_dir / "网格名单.csv"], "grid_events": [out_dir / "网格事件.parquet"],
        "boundaries": [out_dir / "镇街边界.geojson"], "district_boundaries": [out_dir / "区县边界.geojson"],
    }
    # Excel on Chinese Windows only reads UTF-8 CSV correctly with a BOM.
    districts_frame(city).to_csv(paths["districts"][0], index=False, encoding="utf-8-sig")
    towns_frame(city).to_csv(paths["towns"][0], index=False, encoding="utf-8-sig")
    paths["boundaries"][0].write_text(json.dumps(boundaries(city), ensure_ascii=False), encoding="utf-8")
    paths["district_boundaries"][0].write_text(json.dumps(district_boundaries(city), ensure_ascii=False),
                                               encoding="utf-8")
    rest: dict[str, list[pd.DataFrame]] = {"inspections": [], "indicators": [], "grids": [], "grid_events": []}
    for district, n in zip(city.districts, hazard_counts(hazard_rows).values()):
        frames = district_exports(city, district.spec.code, n)
        hazards = frames.pop("hazards")
        for i, start in enumerate(range(0, len(hazards), HAZARD_FILE_ROWS)):
            part = "" if len(hazards) <= HAZARD_FILE_ROWS else f"-{i + 1:02d}"
            path = out_dir / f"隐患台账-{district.spec.name}{part}.parquet"
            hazards.iloc[start:start + HAZARD_FILE_ROWS].to_parquet(path, index=False)
            paths["hazards"].append(path)
        del hazards
        for name, frame in frames.items():
            rest[name].append(frame)
    frames = {name: pd.concat(parts, ignore_index=True) for name, parts in rest.items()}
    frames["inspections"].to_parquet(paths["inspections"][0], index=False)
    frames["indicators"].to_csv(paths["indicators"][0], index=False, encoding="utf-8")
    frames["grids"].to_csv(paths["grids"][0], index=False, encoding="utf-8-sig")
    frames["grid_events"].to_parquet(paths["grid_events"][0], index=False)
    return paths


# ---------------------------------------------------------------- the exports of the whole city


def districts_frame(city: City) -> pd.DataFrame:
    """The 区县名单 export: a district's residents are its towns'."""
    return pd.DataFrame({
        "区县代码": pd.array([d.spec.code for d in city.districts], dtype="str"),
        "区县名称": pd.array([d.spec.name for d in city.districts], dtype="str"),
        "常住人口": np.array([int(d.towns.population.sum()) for d in city.districts], dtype=np.int64),
    })


def towns_frame(city: City) -> pd.DataFrame:
    """The 镇街名单 export of every town: the demo's columns and 所属区县 (the district's code)."""
    frames = [demo._towns_frame(d.towns).assign(**{"所属区县": pd.array([d.spec.code] * len(d.towns.codes), dtype="str")})
              for d in city.districts]
    return pd.concat(frames, ignore_index=True)


def boundaries(city: City) -> dict:
    """Every town's cell as one FeatureCollection; a feature carries town_code, town_name and district_code."""
    features = []
    for d in city.districts:
        for f in demo._boundaries_geojson(d.towns)["features"]:
            f["properties"]["district_code"] = d.spec.code
            features.append(f)
    return {"type": "FeatureCollection", "features": features}


def district_boundaries(city: City) -> dict:
    """Each district's outline (the union of its towns' cells) with district_code and district_name."""
    features = []
    for d in city.districts:
        rings = [d.outline.exterior, *d.outline.interiors]
        features.append({
            "type": "Feature",
            "properties": {"district_code": d.spec.code, "district_name": d.spec.name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[round(px, 5), round(py, 5)] for px, py in ring.coords] for ring in rings],
            },
        })
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- one district's ledger, visits and grids


def district_exports(city: City, code: str, hazard_rows: int | None) -> dict[str, pd.DataFrame]:
    """One district's hazards, inspections, indicators, grids and grid events, as the exports carry them.
    The demo district's are tools.demo's own; the others' ids carry the district code, so ids stay unique."""
    k = next(i for i, d in enumerate(city.districts) if d.spec.code == code)
    district = city.districts[k]
    towns = demo._towns_frame(district.towns)
    if k == 0:
        own = demo.generate(city.seed, hazard_rows)
        grids = demo_grids.grids_frame(own.towns, city.seed)
        return {"hazards": own.hazards, "inspections": own.inspections, "indicators": own.indicators,
                "grids": grids, "grid_events": demo_grids.events_frame(grids, city.seed)}
    hazard_rng, inspection_rng, indicator_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence([city.seed, 15, k, 1]).spawn(3))
    grid_seed = int(np.random.SeedSequence([city.seed, 15, k, 2]).generate_state(1)[0])
    n = hazard_counts(None)[code] if hazard_rows is None else int(hazard_rows)
    hazards = demo._hazards_frame(hazard_rng, district.towns, n)
    inspections = demo._inspections_frame(inspection_rng, district.towns)
    indicators = demo._indicators_frame(indicator_rng, district.towns)
    grids = demo_grids.grids_frame(towns, grid_seed)
    events = demo_grids.events_frame(grids, grid_seed, per_grid_month=GRID_EVENTS_PER_MONTH)
    for frame, column, prefix in ((hazards, "隐患编号", "YH"), (inspections, "检查编号", "JC"),
                                  (events, "事件编号", "SJ")):
        frame[column] = prefix + code + frame[column].str.slice(len(prefix))
    for frame in (hazards, inspections, indicators, grids):
        _by_code_where_shared(frame, district.towns)
    return {"hazards": hazards, "inspections": inspections, "indicators": indicators, "grids": grids,
            "grid_events": events}


def _by_code_where_shared(frame: pd.DataFrame, towns: demo._Towns) -> None:
    """A town whose name another district also uses is named by its code in the export's 所属镇街."""
    for code, name in zip(towns.codes, towns.names):
        if name == SHARED_NAME:
            frame["所属镇街"] = frame["所属镇街"].mask(frame["所属镇街"] == name, code)


# ---------------------------------------------------------------- towns of a generated district


def _make_towns(rng: np.random.Generator, spec: DistrictSpec, outline_km: shapely.Polygon) -> demo._Towns:
    """The towns of a generated district: names, sizes, cells tiling its outline and monthly diligence."""
    types = np.repeat(np.arange(4), spec.towns)
    n = len(types)
    codes, names, aliases = [], [], []
    counters = {0: 1, 1: 101, 2: 201, 3: 401}
    for t, stem in zip(types, spec.stems, strict=True):
        codes.append(f"{spec.code}{counters[t]:03d}")
        kind = demo.TOWN_TYPES[t]
        if t == 3:
            names.append(stem + PARK_SUFFIX[(counters[t] - 401) % len(PARK_SUFFIX)])
            aliases.append([stem, f"{stem}园区"])
        elif stem == "城关":
            # the first alias is the short name units and grids are named by: it must be the city's only one
            names.append(SHARED_NAME)
            aliases.append([spec.name[:2] + "城关"])
        else:
            names.append(stem + kind)
            # some streets are also written 某某街办 in the ledgers, as in the demo district
            aliases.append([stem, f"{stem}街办"] if kind == "街道" and len(aliases) % 3 == 0 else [stem])
        counters[t] += 1
    seat_towns = (types == 0) | (np.array(names) == SHARED_NAME)
    x, y, cells_km = _tile(rng, outline_km, seat_towns, spec.anchor)
    cells = [demo._to_lonlat(c) for c in cells_km]

    population = np.array([rng.integers(*POPULATION[t]) // 100 * 100 for t in types], dtype=np.int64)
    per_grid = np.where(types == 3, 1500.0, 1000.0) * rng.uniform(0.85, 1.15, n)
    grid_count = np.maximum(np.round(population / per_grid), 8).astype(np.int64)
    weight = population * np.array([1.0, 1.2, 0.9, 2.5])[types] * rng.lognormal(0.0, 0.25, n)

    # Each town's own course (a few improving, a few slipping) on top of the district's course and wobble.
    own = np.zeros(n)
    order = rng.permutation(n)
    own[order[:n // 5]], own[order[n // 5:2 * n // 5]] = 1.0, -1.0
    months = np.arange(demo.N_MONTHS)
    t = months / (demo.N_MONTHS - 1) - 0.5
    course = np.interp(months, KNOTS, spec.course)
    quality = (rng.normal(0.0, 0.5, n)[:, None] + own[:, None] * t[None, :]
               + _ar1(rng, 0.3, (n, demo.N_MONTHS)) + course[None, :] + _ar1(rng, spec.jitter, (1, demo.N_MONTHS)))
    slope = own + (spec.course[-1] - spec.course[0])
    trend = np.where(slope > 0.8, 1, np.where(slope < -0.8, -1, 0)).astype(np.int64)

    roads = []
    for a in aliases:
        picks = rng.choice(len(demo.ROADS), demo.ROADS_PER_TOWN - 2, replace=False)
        roads.append([f"{a[0]}路", f"{a[0]}中路"] + [demo.ROADS[i] for i in picks])
    people = rng.choice(len(demo.SURNAMES) * len(demo.GIVEN_NAMES), n * demo.LEADERS_PER_TOWN, replace=False)
    leaders = [[demo.SURNAMES[p // len(demo.GIVEN_NAMES)] + demo.GIVEN_NAMES[p % len(demo.GIVEN_NAMES)]
                for p in people[i * demo.LEADERS_PER_TOWN:(i + 1) * demo.LEADERS_PER_TOWN]] for i in range(n)]
    return demo._Towns(
        codes=codes, names=names, types=types, aliases=aliases, population=population,
        area_km2=np.round(shapely.area(cells_km), 2), grid_count=grid_count,
        lon=np.round(demo.CENTRE_LON + x / demo.KM_PER_DEG_LON, 5),
        lat=np.round(demo.CENTRE_LAT + y / demo.KM_PER_DEG_LAT, 5),
        weight=weight / weight.sum(), trend=trend, quality=quality, roads=roads, leaders=leaders,
        cells=cells, salt=int(rng.integers(0, 2**62)),
    )


def _ar1(rng: np.random.Generator, sd: float, shape: tuple[int, int]) -> np.ndarray:
    """Month-to-month wobble (AR(1), half carried over), so standings move between meetings."""
    shocks = rng.normal(0.0, sd, shape)
    out = np.zeros(shape)
    for m in range(shape[1]):
        out[:, m] = (0.5 * out[:, m - 1] if m else 0.0) + shocks[:, m]
    return out


def _tile(rng: np.random.Generator, outline: shapely.Polygon, seat_towns: np.ndarray, seat: tuple[float, float]):
    """Town centres in km (the seat's towns clustered round the seat, the rest spread out) and their Voronoi
    cells clipped to the outline: one valid polygon a town, redrawn until so."""
    n = len(seat_towns)
    area = outline.area
    n_seat = int(seat_towns.sum())
    seat_area = 0.5 * area * n_seat / n  # the seat's streets are smaller than the towns around them
    seat_r = np.sqrt(seat_area / np.pi)
    centre = shapely.Point(seat) if outline.buffer(-seat_r).contains(shapely.Point(seat)) \
        else outline.buffer(-seat_r * 0.5).point_on_surface()
    gaps = np.where(seat_towns, 0.8 * np.sqrt(seat_area / max(n_seat, 1)),
                    0.8 * np.sqrt((area - seat_area) / max(n - n_seat, 1)))
    inner = outline.buffer(-0.3 * gaps.min())
    minx, miny, maxx, maxy = inner.bounds
    for _ in range(50):
        placed = np.empty((0, 2))
        for i in range(n):
            for attempt in range(200):
                if seat_towns[i]:
                    r = seat_r * np.sqrt(rng.random(64))
                    a = rng.uniform(0, 2 * np.pi, 64)
                    cand = np.column_stack([centre.x + r * np.cos(a), centre.y + r * np.sin(a)])
                else:
                    cand = np.column_stack([rng.uniform(minx, maxx, 64), rng.uniform(miny, maxy, 64)])
                cand = cand[shapely.contains_xy(inner, cand[:, 0], cand[:, 1])]
                # relax the spacing slowly so placement always finishes
                need = 0.5 * (gaps[i] + gaps[:len(placed)]) * 0.98 ** attempt
                dist = np.hypot(cand[:, None, 0] - placed[None, :, 0], cand[:, None, 1] - placed[None, :, 1])
                ok = np.flatnonzero((dist >= need[None, :]).all(axis=1))
                if len(ok):
                    placed = np.vstack([placed, cand[ok[0]]])
                    break
        if len(placed) < n:
            continue
        points = shapely.points(placed)
        vor = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline.buffer(30), ordered=True)
        cells_km = shapely.intersection(shapely.get_parts(vor), outline)
        cells = [demo._to_lonlat(c) for c in cells_km]
        if all(c.geom_type == "Polygon" and c.is_valid for c in [*cells_km, *cells]):
            return placed[:, 0], placed[:, 1], cells_km
    raise RuntimeError("无法把县市区划成每个镇街一块多边形")


# ---------------------------------------------------------------- the city map


def _district_outlines(rng: np.random.Generator, own: shapely.Polygon, anchors: list[tuple[float, float]]):
    """Outlines (km) of the districts round the demo district: Voronoi cells of their anchors within an
    irregular city outline west of the coast, less the demo district; one polygon each, redrawn until so."""
    xy = np.array(anchors)
    # west, south and north of the anchors by a district's half width; east into the demo district, whose
    # own east edge is the coast
    lo = xy.min(axis=0) - 22.0
    hi = np.array([6.0, xy[:, 1].max() + 14.0])
    centre, radii = (lo + hi) / 2, (hi - lo) / 2
    theta = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    for _ in range(50):
        wiggle = np.ones_like(theta)
        for k in range(2, 8):
            wiggle += rng.uniform(0.01, 0.05) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
        ring = np.column_stack([centre[0] + radii[0] * wiggle * np.cos(theta),
                                centre[1] + radii[1] * wiggle * np.sin(theta)])
        rest = shapely.difference(shapely.Polygon(ring), own)
        vor = shapely.voronoi_polygons(shapely.multipoints(shapely.points(xy)), extend_to=rest.buffer(50),
                                       ordered=True)
        cells = shapely.intersection(shapely.get_parts(vor), rest)
        outlines = [shapely.set_precision(c, 1e-6) for c in _bend(rng, cells, own)]
        if all(c.geom_type == "Polygon" and c.is_valid and c.area > 400 for c in outlines):
            return outlines
    raise RuntimeError("无法把示例市划成每个县市区一块多边形")


def _bend(rng: np.random.Generator, outlines: np.ndarray, own: shapely.Polygon) -> np.ndarray:
    """The outlines moved by one smooth field, so borders between districts meander rather than run straight;
    a border two districts share moves as one, and the demo district's edge (where the field fades out) stays."""
    waves = [(rng.uniform(0.6, 1.0), rng.uniform(2 * np.pi / 35, 2 * np.pi / 15), rng.uniform(0, 2 * np.pi),
              rng.uniform(0, 2 * np.pi)) for _ in range(6)]

    def field(xy: np.ndarray) -> np.ndarray:
        fade = np.minimum(shapely.distance(own.boundary, shapely.points(xy)) / 8.0, 1.0)
        out = xy.copy()
        for i, (amp, k, angle, phase) in enumerate(waves):
            along = xy @ np.array([np.cos(angle), np.sin(angle)])
            out[:, i % 2] += fade * amp * np.sin(k * along + phase)
        return out

    return shapely.transform(shapely.segmentize(outlines, 0.5), field)


def _to_km(cell_lonlat):
    """lon/lat back to km from the demo district's centre (the inverse of demo._to_lonlat, before rounding)."""
    scale = np.array([demo.KM_PER_DEG_LON, demo.KM_PER_DEG_LAT])
    offset = np.array([demo.CENTRE_LON, demo.CENTRE_LAT])
    return shapely.transform(cell_lonlat, lambda c: (c - offset) * scale)
