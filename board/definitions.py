"""The editable definitions of the composite index: components, directions, weights, tiers."""

from __future__ import annotations

import json

from board import ROOT

DEFAULT = ROOT / "data" / "definitions.json"
LEDGER_COMPONENTS = {"rectification_rate", "closure_rate", "on_time_rate", "overdue_per_10k",
                     "recurrence_rate", "aired_closure_rate"}


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
    return out
