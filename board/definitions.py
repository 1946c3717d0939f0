"""The editable definitions of the composite index: components, directions, weights, tiers."""

from __future__ import annotations

import json

from board import ROOT

DEFAULT = ROOT / "data" / "definitions.json"
LEDGER_COMPONENTS = {"rectification_rate", "closure_rate", "on_time_rate", "overdue_per_10k",
                     "recurrence_rate", "aired_closure_rate", "earlier_overdue_per_10k"}
NO_DATA = {"last": "排在有数据的镇街之后，不评三色", "rank": "按已有分项照常排名", "none": "不排名"}


def load(store=None, state=None) -> dict:
    """The definitions in force for a store state (the latest saved version), else the shipped default."""
    if store is not None and state is not None and state.definitions:
        return json.loads((store.path / state.definitions).read_text("utf-8"))
    return json.loads(DEFAULT.read_text("utf-8"))


def indicators(definitions: dict) -> list[dict]:
    return [c for c in definitions["components"] if c["source"] == "indicator"]


def problems(definitions: dict) -> list[str]:
    """What is wrong with edited definitions, in Chinese; empty when they can be saved."""
    out = []
    comps = definitions.get("components") or []
    total = sum(float(c.get("weight") or 0) for c in comps)
    if abs(total - 100) > 1e-9:
        out.append(f"权重合计应为 100，现在是 {total:g}")
    for c in comps:
        if float(c.get("weight") or 0) < 0:
            out.append(f"“{c['name']}”的权重不能为负")
        if c.get("direction") not in ("higher", "lower"):
            out.append(f"“{c['name']}”的方向只能是 higher（越高越好）或 lower（越低越好）")
        if c["source"] == "ledger" and c["code"] not in LEDGER_COMPONENTS:
            out.append(f"台账分项 {c['code']} 不存在")
    codes = [c["code"] for c in comps]
    if len(set(codes)) != len(codes):
        out.append("分项代码重复")
    tiers = definitions.get("tiers") or {}
    g, y = tiers.get("green"), tiers.get("yellow")
    if not (isinstance(g, (int, float)) and isinstance(y, (int, float)) and 0 <= y <= g <= 100):
        out.append("三色阈值应满足 0 ≤ 黄 ≤ 绿 ≤ 100")
    out.extend(_group_problems(definitions))
    out.extend(_level_problems(definitions, codes))
    size = definitions.get("board_size", 3)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        out.append(f"红黑榜名额（board_size）应为不小于 1 的整数，现在是“{size}”")
    if definitions.get("no_data", "last") not in NO_DATA:
        out.append("无数据镇街的排法（no_data）只能是 "
                   + "、".join(f"{k}（{v}）" for k, v in NO_DATA.items()))
    return out


LEVELS = {"district": "区县"}


def _level_problems(definitions: dict, codes: list[str]) -> list[str]:
    """"levels": {"district": {"weights": {code: w}, "tiers": {…}, "no_data": …}}: a level's own weights
    (of components that exist, summing to 100 with the rest) and tiers."""
    levels = definitions.get("levels") or {}
    if not isinstance(levels, dict):
        return ["分级设置（levels）应为 {\"district\": {…}}"]
    out = []
    for level, over in levels.items():
        name = LEVELS.get(level)
        if name is None:
            out.append(f"没有“{level}”这一级：分级设置只能是 " + "、".join(f"{k}（{v}）" for k, v in LEVELS.items()))
            continue
        weights = (over or {}).get("weights") or {}
        unknown = [c for c in weights if c not in codes]
        if unknown:
            out.append(f"{name}级权重中的分项 {'、'.join(unknown)} 不存在")
        bad = [c for c, w in weights.items() if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0]
        if bad:
            out.append(f"{name}级权重应为不小于 0 的数：{'、'.join(bad)}")
        elif not unknown:
            total = sum(float(weights.get(c["code"], c.get("weight") or 0)) for c in definitions["components"])
            if abs(total - 100) > 1e-9:
                out.append(f"{name}级权重合计应为 100，现在是 {total:g}")
        if "tiers" in (over or {}):
            g, y = over["tiers"].get("green"), over["tiers"].get("yellow")
            if not (isinstance(g, (int, float)) and isinstance(y, (int, float)) and 0 <= y <= g <= 100):
                out.append(f"{name}级三色阈值应满足 0 ≤ 黄 ≤ 绿 ≤ 100")
        if (over or {}).get("no_data", "last") not in NO_DATA:
            out.append(f"{name}级无数据的排法（no_data）只能是 " + "、".join(NO_DATA))
    return out


def _group_problems(definitions: dict) -> list[str]:
    """Groups of town types: {组名: [类型, …]}, each type in one group only."""
    groups = definitions.get("groups")
    if groups is None:
        return []
    if not isinstance(groups, dict) or not groups:
        return ["镇街分组（groups）应写成 {组名: [类型, …]}，至少一组"]
    out, seen = [], {}
    for name, types in groups.items():
        if not str(name).strip():
            out.append("镇街分组的组名不能为空")
        if not isinstance(types, list) or not types or not all(isinstance(t, str) and t.strip() for t in types):
            out.append(f"镇街分组“{name}”应列出至少一个镇街类型（文字）")
            continue
        for t in types:
            if t in seen and seen[t] != name:
                out.append(f"镇街类型“{t}”同时在“{seen[t]}”和“{name}”两组中")
            seen[t] = name
    other = definitions.get("other_group", "其他")
    if not isinstance(other, str) or not other.strip():
        out.append("未分组镇街的组名（other_group）不能为空")
    return out


def board_size(definitions: dict) -> int:
    """How many towns each of 红榜 and 黑榜 lists (definitions "board_size", default 3)."""
    return int(definitions.get("board_size", 3))


def groups_text(definitions: dict, english: bool = False) -> str:
    """The groups as an analyst edits them: one line per group, 组名：类型、类型 (in English 组名: 类型, 类型;
    parse_groups reads both)."""
    from board.metrics import groups

    colon, comma = (": ", ", ") if english else ("：", "、")
    return "\n".join(f"{name}{colon}{comma.join(types)}" for name, types in groups(definitions).items())


def parse_groups(text: str) -> dict[str, list[str]]:
    """组名：类型、类型 lines back into {组名: [类型, …]} (the separators 、 , ， ; | and spaces all work);
    a line without a colon is a group of one type of the same name."""
    import re

    out: dict[str, list[str]] = {}
    for line in str(text).splitlines():
        if not line.strip():
            continue
        name, _, types = line.replace("：", ":").partition(":")
        name = name.strip()
        listed = [t for t in re.split(r"[、,，;；|\s]+", types.strip()) if t] if types.strip() else [name]
        out.setdefault(name, [])
        out[name] += [t for t in listed if t not in out[name]]
    return out
