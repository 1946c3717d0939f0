"""Town boundaries uploaded as GeoJSON: checked against the store's towns and shapely, problems in plain Chinese.

A valid upload is a FeatureCollection of Polygon / MultiPolygon features in
WGS-84 longitude/latitude, each naming a town of the store by town_code or
town_name (or a listed alias). The saved copy carries the store's town_code
and town_name on every feature, whatever the file called them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
from shapely.geometry import shape
from shapely.validation import explain_validity

from board import db
from board.parse import normalise_key
from board.store import Store

MAX_PROBLEMS = 200


@dataclass
class Checked:
    doc: dict | None = None  # the FeatureCollection to save (properties normalised), when there are no problems
    problems: list[str] = field(default_factory=list)
    towns_covered: int = 0
    towns_missing: list[str] = field(default_factory=list)  # towns of the store no feature draws (a notice, not a problem)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(data: bytes, towns: pd.DataFrame, lookup: pd.DataFrame) -> Checked:
    """Validate GeoJSON bytes; towns: town_code, town_name; lookup: key → town_code (town_lookup.sql)."""
    out = Checked()
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        out.problems.append("文件不是 UTF-8 编码的文本，不是 GeoJSON")
        return out
    except ValueError as e:
        out.problems.append(f"不是有效的 JSON（第 {getattr(e, 'lineno', '?')} 行附近）")
        return out
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        out.problems.append("应为 GeoJSON FeatureCollection（顶层 type 为 FeatureCollection，含 features 列表）")
        return out
    if not doc["features"]:
        out.problems.append("FeatureCollection 里没有任何要素")
        return out
    if towns.empty:
        out.problems.append("数据仓库里还没有镇街名单；请先上传镇街名单，再上传边界")
        return out
    by_key = {normalise_key(k): c for k, c in zip(lookup["key"], lookup["town_code"])}
    names = dict(zip(towns["town_code"], towns["town_name"]))
    features, seen = [], {}
    for i, f in enumerate(doc["features"], start=1):
        where = f"第 {i} 个要素"
        if len(out.problems) >= MAX_PROBLEMS:
            out.problems.append("……问题太多，其余未逐一列出")
            break
        if not isinstance(f, dict) or f.get("type") != "Feature":
            out.problems.append(f"{where}：不是 GeoJSON Feature")
            continue
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        given = [str(props[k]).strip() for k in ("town_code", "town_name") if props.get(k) not in (None, "")]
        code = next((by_key[normalise_key(v)] for v in given if normalise_key(v) in by_key), None)
        if not given:
            out.problems.append(f"{where}：properties 里没有 town_code 或 town_name")
        elif code is None:
            out.problems.append(f"{where}（{'/'.join(given)}）：镇街不在镇街名单中")
        elif code in seen:
            out.problems.append(f"{where}（{'/'.join(given)}）：与第 {seen[code]} 个要素是同一个镇街")
        else:
            seen[code] = i
        geometry = f.get("geometry")
        why = _geometry_problem(geometry)
        if why:
            out.problems.append(f"{where}{'（' + '/'.join(given) + '）' if given else ''}：{why}")
        elif code is not None:
            features.append({"type": "Feature", "geometry": geometry,
                             "properties": {"town_code": code, "town_name": names.get(code, code)}})
    if out.problems:
        return out
    out.doc = {"type": "FeatureCollection", "features": features}
    out.towns_covered = len(seen)
    out.towns_missing = [names[c] for c in towns["town_code"] if c not in seen]
    return out


def _geometry_problem(geometry) -> str | None:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else "空"
        return f"几何类型是 {kind}，应为 Polygon 或 MultiPolygon"
    try:
        geom = shape(geometry)
    except Exception:  # shapely raises several types for malformed coordinates
        return "坐标结构不正确，无法构成多边形"
    if geom.is_empty:
        return "多边形是空的"
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return "坐标超出经纬度范围（经度 -180～180，纬度 -90～90）；请用 WGS-84 经纬度，不要用投影坐标"
    if not geom.is_valid:
        return f"多边形无效（{_validity_zh(explain_validity(geom))}）"
    return None


def _validity_zh(reason: str) -> str:
    for en, zh in (("Self-intersection", "边界自相交"), ("Ring Self-intersection", "环自相交"),
                   ("Too few points", "点数太少"), ("Hole lies outside shell", "内环在外环之外"),
                   ("Interior is disconnected", "内部不连通"), ("Nested shells", "外环嵌套")):
        if reason.startswith(en):
            at = reason[len(en):].strip(" []")
            return zh + (f"，位置约 {at}" if at else "")
    return reason


def check_for_store(store: Store, data: bytes) -> Checked:
    """check() against the towns of the store as it stands now."""
    con = db.connect(store.state())
    return check(data, db.run(con, "town_list"), db.run(con, "town_lookup"))
