"""python -m board ingest|metrics|batches|rollback|demo (DESIGN §6)."""

from __future__ import annotations

import argparse
import importlib
import getpass
import json
import os
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from board import db, definitions as defs, messages, metrics, vocab
from board.errors import Rejected
from board.store import Store, default_path, shown


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args, extra = p.parse_known_args(argv)
    if args.command == "serve":  # everything serve does not know goes to `streamlit run`
        args.streamlit_args = [*args.streamlit_args, *extra]
    elif extra:
        p.parse_args(argv)  # the usual error for unknown arguments
    try:
        return args.func(args)
    except Rejected as r:
        print("\n".join(f"✗ {p}" for p in r.problems), file=sys.stderr)
        return 1
    except (ValueError, PermissionError) as e:
        print(f"✗ {e}", file=sys.stderr)
        return 2


def parser() -> argparse.ArgumentParser:
    # argparse writes its usage errors through gettext: the command line speaks Chinese like the pages
    argparse._ = messages.argparse_text
    argparse.ngettext = lambda one, many, n: messages.argparse_text(one if n == 1 else many)
    p = argparse.ArgumentParser(prog="python -m board", description="平安晾晒台 命令行")
    sub = p.add_subparsers(dest="command", required=True)

    def store_arg(sp):
        sp.add_argument("--store", type=Path, help="数据仓库目录（默认 BOARD_STORE，否则 data/store）")

    sp = sub.add_parser("ingest", help="校验并导入一个导出文件")
    sp.add_argument("file", type=Path)
    sp.add_argument("--dataset", choices=["districts", "towns", "hazards", "inspections", "indicators", "grids",
                                          "grid_events"])
    sp.add_argument("--dry-run", action="store_true", help="只校验，不写入")
    sp.add_argument("--map", action="append", default=[], metavar="标准列=文件列",
                    help="把文件中的列对应到标准列，例如 --map found_date=CreatedDate（可重复）")
    sp.add_argument("--add-towns", action="store_true", help="把未登记的镇街登记为新镇街")
    sp.add_argument("--partial", action="store_true",
                    help="先导入没有问题的行，有问题的行放在一边（保存在批次中，可下载）；文件整体有问题时仍不导入")
    sp.add_argument("--sheet", metavar="工作表", help="Excel 文件中要读取的工作表（默认：表头最符合的那一个）")
    sp.add_argument("--user", help="上传人（默认 BOARD_USER 或当前登录名）；用户文件中只限部分区县的账号只能上传这些区县的数据")
    sp.add_argument("--json", action="store_true")
    store_arg(sp)
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("metrics", help="某一统计期的指标、指数和排名")
    sp.add_argument("--period", required=True, help="2026-W43（ISO 周）、2022-12、2022-Q4、2022-H2 或 2022")
    sp.add_argument("--as-of", type=date.fromisoformat, help="截至日期 YYYY-MM-DD（默认台账中最新日期）")
    sp.add_argument("--batch", help="按某一批次导入后的状态计算（重现当时的数字）")
    sp.add_argument("--level", choices=["town", "district"], default="town",
                    help="town：镇街排名（默认）；district：全市各区县排名（仓库有区县名单时）")
    sp.add_argument("--district", help="只看一个区县（代码、名称或别名）：镇街排名限于该区县")
    sp.add_argument("--json", action="store_true")
    store_arg(sp)
    sp.set_defaults(func=cmd_metrics)

    sp = sub.add_parser("grids", help="网格指标、星级和升降星")
    sp.add_argument("--period", required=True, help="2022-12、2022-Q4、2022-H2 或 2022")
    sp.add_argument("--town", help="只看一个镇街（代码、名称或别名）")
    sp.add_argument("--district", help="只看一个区县（代码、名称或别名）")
    sp.add_argument("--as-of", type=date.fromisoformat, help="截至日期 YYYY-MM-DD（默认网格事件中最新日期）")
    sp.add_argument("--batch", help="按某一批次导入后的状态计算（重现当时的数字）")
    sp.add_argument("--json", action="store_true")
    store_arg(sp)
    sp.set_defaults(func=cmd_grids)

    sp = sub.add_parser("batches", help="列出批次，最早的在前")
    sp.add_argument("--json", action="store_true")
    store_arg(sp)
    sp.set_defaults(func=cmd_batches)

    sp = sub.add_parser("rollback", help="撤下一个批次（文件仍保留在归档中）")
    sp.add_argument("batch")
    sp.add_argument("--user", help="回滚人（默认 BOARD_USER 或当前登录名）；只限部分区县的账号只能回滚自己上传的批次")
    store_arg(sp)
    sp.set_defaults(func=cmd_rollback)

    sp = sub.add_parser("build", help="为当前版本预先计算派生表（去重后的台账、复发、月度汇总）")
    sp.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                    help="duckdb（默认，本机内嵌）或 spark（pyspark，见 requirements-spark.txt）")
    sp.add_argument("--master", help="Spark master URL（默认 local[2]）")
    sp.add_argument("--store-url", help="集群可读的仓库根目录（hdfs:// 或 s3a://，含 batches/ 的副本）")
    sp.add_argument("--out", help="集群可写的输出目录；完成后复制到应用服务器的缓存目录")
    store_arg(sp)
    sp.set_defaults(func=cmd_build)

    # report (render/report.py), image (render/image.py), bench (tools/bench.py) and user (board/auth.py)
    # add their own arguments through a register(subparsers) function in their modules.
    for module in ("render.report", "render.image", "tools.bench", "board.auth"):
        importlib.import_module(module).register(sub)

    sp = sub.add_parser("serve", help="启动看板（先装好离线与上传防护，再启动 Streamlit；其余参数交给 streamlit run）")
    sp.set_defaults(streamlit_args=[])
    store_arg(sp)
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser("demo", help="生成示例区县或示例市（示例数据）")
    sp.add_argument("--city", action="store_true", help="生成示例市（6 个县市区，其中之一即示例区县）")
    sp.add_argument("--rows", type=int, help="隐患台账行数（用于压力测试；示例市为全市合计，按各县市区比例分配）")
    sp.add_argument("--out", type=Path, help="示例数据仓库目录（默认 data/demo/store；示例市默认 data/demo/city-store）")
    sp.add_argument("--if-missing", action="store_true", help="已存在时不重建")
    sp.set_defaults(func=cmd_demo)
    return p


def _user(args) -> str:
    return args.user or os.environ.get("BOARD_USER") or getpass.getuser()


def _writer(args) -> tuple[str, frozenset[str] | None]:
    """(who writes, the districts they are limited to or None) from the users file; a name the file does not
    hold writes for the whole city, as before accounts had districts, and the command says so."""
    from board import auth

    user = _user(args)
    if auth.role(user) == "viewer":
        raise PermissionError(f"账号“{user}”是查看账号，不能写入数据")
    if auth.account(user) is None:
        # a one-machine setup writes as the login name, which no users file holds; said, since a deleted
        # account's name lands here too
        print(f"注意：账号文件中没有“{user}”，按全市写入（不限区县）", file=sys.stderr)
        return user, None
    return user, auth.scope(user)


def read_store(explicit: Path | None) -> Store:
    """The store to read: --store, else BOARD_STORE/data/store, else the demo district."""
    store, is_demo = shown(explicit)
    if is_demo:
        from tools import demo_store
        demo_store.ensure(store.path)
    return store


def cmd_ingest(args) -> int:
    from board.ingest import ingest_path

    mapping = {}
    for m in args.map:
        canon, _, header = m.partition("=")
        if not header:
            raise ValueError(f"--map 应写成 标准列=文件列，而不是“{m}”")
        mapping[canon.strip()] = header.strip()
    store = Store(args.store or default_path())
    user, scope = _writer(args)
    report = ingest_path(store, args.file, dataset=args.dataset, mapping=mapping, user=user,
                         dry_run=args.dry_run, add_towns=args.add_towns, partial=args.partial,
                         sheet=args.sheet, scope=scope)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1, default=str))
    else:
        print(report.text(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def _store_state(args):
    """The store to read and its state: now, or right after --batch when given (last meeting's figures)."""
    store = read_store(args.store)
    at = None
    if args.batch:
        b = store.batch(args.batch)
        if b is None:
            raise ValueError(f"没有批次 {args.batch}")
        at = b.seq
    return store, store.state(at)


def cmd_metrics(args) -> int:
    from board import city

    period = metrics.parse_period(args.period)
    store, state = _store_state(args)
    materialise = db.built(state) is not None  # what `build` built, when it has
    con = db.connect(state, materialise=materialise)
    district = city.resolve(con, args.district) if args.district else None
    if args.level == "district":
        if not city.is_city(con):
            raise ValueError("这个仓库只有一个区县（没有上传区县名单），没有区县排名；请用 --level town")
        result = city.board_metrics(con, period, args.as_of, defs.load(store, state), only=district)
    else:
        as_of = args.as_of
        if district is not None:
            # the city's now, not the district's own last date: its board then equals its row in the city league
            as_of = as_of or metrics.default_as_of(con)
            con = db.connect(state, materialise=materialise, districts=(district,))
        result = metrics.board_metrics(con, period, as_of, defs.load(store, state))
        if district is not None:
            result["district_code"] = district
    if state.is_demo:
        result["demo"] = True
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(_districts_text(result) if args.level == "district" else _metrics_text(result))
    return 0


def cmd_grids(args) -> int:
    from board import grids

    period = metrics.parse_period(args.period)
    store, state = _store_state(args)
    con = db.connect(state)
    as_of = args.as_of
    if args.district:
        from board import city
        # the city's now, as the board shows a district's grids (and as metrics --district counts)
        as_of = as_of or db.run(con, "grid_as_of_default")["as_of"].iloc[0]
        as_of = None if as_of is None or pd.isna(as_of) else pd.Timestamp(as_of).date()
        con = db.connect(state, districts=(city.resolve(con, args.district),))
    result = grids.board_grids(con, period, as_of, defs.load(store, state), args.town)
    if state.is_demo:
        result["demo"] = True
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0

    def pct(v):
        return "—" if v is None else f"{v * 100:.2f}%"

    print(f"{'【示例数据】' if result.get('demo') else ''}统计期 {result['period']}，截至 {result['as_of']}；"
          f"星级按 {result.get('star_month', '—')}，升降星对比 {result.get('previous', {}).get('period', '—')}"
          f"（截至 {result.get('previous', {}).get('as_of', '—')}）")
    print("网格编码\t网格名称\t镇街\t网格员\t事件\t有效率\t办结率\t按期办结率\t逾期\t星级\t升降星")
    for g in result["grids"]:
        ch = g["star_change"]
        print("\t".join(str(x) for x in (g["grid_code"], g["grid_name"], g["town_code"], g["worker"] or "—",
                                          g["events"], pct(g["valid_rate"]), pct(g["closure_rate"]),
                                          pct(g["on_time_rate"]), g["overdue"], "★" * (g["stars"] or 0),
                                          "—" if ch is None else f"{ch:+d}")))


def cmd_build(args) -> int:
    import time

    state = read_store(args.store).state()
    if state.empty:
        raise ValueError("仓库中还没有数据，无需构建")
    t = time.perf_counter()
    if args.engine == "spark":
        from board import spark
        try:
            built = spark.build(state, master=args.master, store_url=args.store_url, out=args.out)
            if args.out:
                print(f"请把 {args.out} 复制为应用服务器上的 {db.spark_tables(state)}")
        except ImportError as e:
            raise ValueError(f"Spark 引擎需要 pyspark（requirements-spark.txt，make test 会安装到 .venv/spark）：{e}")
    else:
        db.connect(state, materialise=True).close()
        built = db.built(state)
    print(f"版本 {state.seq}：{built}（{time.perf_counter() - t:.1f} 秒）")
    return 0


def _metrics_text(r: dict) -> str:
    def pct(v):
        return "—" if v is None else f"{v * 100:.2f}%"

    d = r["district"]
    lines = [f"{'【示例数据】' if r.get('demo') else ''}统计期 {r['period']}，截至 {r['as_of']}",
             f"全区：发现 {d.get('found')}，整改率 {pct(d.get('rectification_rate'))}，"
             f"销号率 {pct(d.get('closure_rate'))}，按期整改率 {pct(d.get('on_time_rate'))}，"
             f"逾期 {d.get('overdue')}，复发率 {pct(d.get('recurrence_rate'))}"]
    prev = r.get("previous")
    if prev:
        p = prev["district"]
        lines.append(f"同口径比较：{prev['period']} 截至 {prev['as_of']}：发现 {p.get('found')}，"
                     f"整改率 {pct(p.get('rectification_rate'))}，销号率 {pct(p.get('closure_rate'))}，"
                     f"按期整改率 {pct(p.get('on_time_rate'))}；排名变化与之比较")
    lines += ["", f"{'排名':>4} {'变化':>4}  {'指数':>6}  三色  {'组内':>4}  镇街（分组）"]
    for t in r["towns"]:
        ch = t["rank_change"]
        ch = "—" if ch is None else ("▲%d" % ch if ch > 0 else "▼%d" % -ch if ch < 0 else "0")
        score = "—" if t["score"] is None else f"{t['score']:.2f}"
        tier = vocab.TIERS.get(t["tier"], "—") if t.get("has_data", True) else "无数据"
        lines.append(f"{t['rank'] or '—':>4} {ch:>4}  {score:>6}  {tier}   {t.get('group_rank') or '—':>4}  "
                     f"{t['town_name']}（{t.get('group') or '—'}）")
    return "\n".join(lines)


def _districts_text(r: dict) -> str:
    def pct(v):
        return "—" if v is None else f"{v * 100:.2f}%"

    c = r["city"]
    lines = [f"{'【示例数据】' if r.get('demo') else ''}统计期 {r['period']}，截至 {r['as_of']}",
             f"全市：发现 {c.get('found')}，整改率 {pct(c.get('rectification_rate'))}，"
             f"销号率 {pct(c.get('closure_rate'))}，按期整改率 {pct(c.get('on_time_rate'))}，逾期 {c.get('overdue')}",
             "", f"{'排名':>4} {'变化':>4}  {'指数':>6}  三色  区县"]
    for d in r["districts"]:
        ch = d["rank_change"]
        ch = "—" if ch is None else ("▲%d" % ch if ch > 0 else "▼%d" % -ch if ch < 0 else "0")
        score = "—" if d["score"] is None else f"{d['score']:.2f}"
        tier = vocab.TIERS.get(d["tier"], "—") if d.get("has_data", True) else "无数据"
        lines.append(f"{d['rank'] or '—':>4} {ch:>4}  {score:>6}  {tier}   {d['district_name']}（{d['district_code']}）")
    return "\n".join(lines)


def cmd_batches(args) -> int:
    store = read_store(args.store)
    rolled = store.state().rolled_back
    rows = []
    for e in store.events():
        if e["type"] != "commit":
            continue
        rows.append({"batch_id": e["batch_id"], "dataset": e["dataset"], "time": e["time"],
                     "user": e["user"], "rows": e["rows"], "added": e.get("added"),
                     "updated": e.get("updated"), "set_aside": e.get("set_aside", 0),
                     "source_file": e["source_file"],
                     "sha256": e["sha256"], "rolled_back": e["batch_id"] in rolled})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            fields = [r["batch_id"], r["dataset"], r["time"], r["user"], f"{r['rows']} 行",
                      r["source_file"], r["sha256"][:12]] + ([f"另有 {r['set_aside']} 行放在一边"] if r["set_aside"] else []) \
                + (["已回滚"] if r["rolled_back"] else [])
            print("\t".join(fields))
    return 0


def cmd_rollback(args) -> int:
    store = Store(args.store or default_path())
    user, scope = _writer(args)
    event = store.rollback(args.batch, user, own_only=scope is not None)
    print(f"已回滚批次 {event['batch_id']}（文件仍保留在归档中）。")
    return 0


def cmd_serve(args) -> int:
    """`streamlit run app.py` with ui.guard installed before the server takes its first request."""
    from streamlit.web import cli as streamlit_cli

    from board import ROOT
    from ui import guard

    if args.store:
        os.environ["BOARD_STORE"] = str(args.store.resolve())
    guard.install()
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working folder
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *args.streamlit_args]
    return streamlit_cli.main(prog_name="streamlit")


def cmd_demo(args) -> int:
    from tools import demo_store

    if args.rows is not None and args.rows < 0:
        raise ValueError("--rows 是隐患台账行数，不能是负数")
    try:
        path = demo_store.ensure(args.out, city=args.city, rows=args.rows, rebuild=not args.if_missing)
    except RuntimeError as e:  # an export the ingest refused: its report, as an upload would show it
        print(f"✗ 示例数据未能生成：\n{e}", file=sys.stderr)
        return 1
    print(f"示例数据仓库{'（示例市）' if args.city else ''}：{path}")
    return 0
