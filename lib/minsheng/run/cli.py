"""Command line: `minsheng <command>` (also `python -m minsheng`).

Every command is a thin wrapper around lib functions. Data problems end in a one-line
message and a documented exit code, never a traceback.

Exit codes (README): 0 ok; 1 failed; 2 usage error; 3 done with warnings (rows quarantined
or files rejected; a district bulletin failed while the others were published).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before anything imports nbformat)
from minsheng.run import quick_exit

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WARNINGS = 0, 1, 2, 3


def _cmd_targets(args: argparse.Namespace) -> int:
    from minsheng.catalogue import resolve_catalogue

    cat = resolve_catalogue(args.year, args.catalogue)
    cols = ["indicator_id", "item_no", "item_name", "indicator", "target_value", "unit",
            "comparator", "kind", "soft", "responsible_units", "reporting_unit", "by_district",
            "baseline", "plan"]
    table = cat.indicators[cols]
    if args.format == "csv":
        # %g: targets print as 2500, 1.5 or 4500000, never as 2500.0
        table.to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.10g")
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.max_colwidth", 24,
                               "display.width", 200):
            print(table.drop(columns=["responsible_units"]).to_string(index=False))
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from minsheng.catalogue import resolve_catalogue
    from minsheng.intake.template import template_rows, write_template

    catalogue = resolve_catalogue(args.year, args.catalogue)
    path = write_template(catalogue, args.out, unit=args.unit)
    n = len(template_rows(catalogue, args.unit))
    print(f"已生成模板：{path}（{n} 行{'，报送单位 ' + args.unit if args.unit else ''}）")
    return EXIT_OK


def _clean_paths(raw: Path, out: Path) -> str | None:
    """Why RAW_DIR / --out cannot be used, in one line (checked before any work), or None."""
    if not raw.exists():
        return f"原始数据目录不存在 / raw folder not found: {raw}"
    if not raw.is_dir():
        return f"原始数据路径不是文件夹 / raw path is not a folder: {raw}"
    if out.exists() and not out.is_dir():
        return f"输出路径已存在且不是文件夹 / --out exists and is not a folder: {out}"
    raw_real, out_real = raw.resolve(), out.resolve()
    if out_real.parent == out_real:
        return f"不能输出到根目录 / --out cannot be the root folder: {out}"
    if out_real.is_relative_to(raw_real):
        return f"输出目录不能在原始数据目录内（原始报送不得改动）/ --out inside the raw folder: {out}"
    return None


def _cmd_clean(args: argparse.Namespace) -> int:
    import signal

    from filelock import FileLock, Timeout

    from minsheng.catalogue import resolve_catalogue
    from minsheng.contracts import store
    from minsheng.intake.clean import clean
    from minsheng.report.quality import summary_lines

    raw, out = Path(args.raw_dir), Path(args.out)
    problem = _clean_paths(raw, out)
    if problem:
        print(f"错误 / error: {problem}", file=sys.stderr)
        return EXIT_FAILED
    catalogue = resolve_catalogue(args.year, args.catalogue)
    out_real = out.resolve()
    out_real.parent.mkdir(parents=True, exist_ok=True)
    # Like `minsheng run`: one writer per output folder; the second is refused at once.
    lock = FileLock(str(out_real.parent / f".{out_real.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"错误 / error: 另一清洗正在写入 {out} / another clean into this folder is in "
              "progress", file=sys.stderr)
        return EXIT_FAILED

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)  # SIGTERM ends like Ctrl-C: tidy, one line
    try:
        result = clean(raw, catalogue, progress=True)
        store.write(result, out)
    except KeyboardInterrupt:
        print(f"已中断 / interrupted: {out} 未改动 / left as it was", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"错误 / error: 无法写入 {out} / cannot write: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
        lock.release()
    for line in summary_lines(result.quality):
        print(line)
    q = result.quality
    for skip in q.files_skipped:
        print(f"  未读取 {skip.file}：{skip.reason}")
    for skip in q.sheets_skipped:
        print(f"  未读取 {skip.file} 工作表“{skip.sheet}”：{skip.reason}")
    print(f"输出：{out}", file=sys.stdout)
    return EXIT_WARNINGS if result.has_problems else EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from minsheng.run.kernels import relative
    from minsheng.run.params import ParameterError, date
    from minsheng.run.runner import RunError, execute, plan_run

    if args.month and args.quarter:
        print("错误 / error: --quarter 与 --month 只能选一 / give --quarter or --month, not both",
              file=sys.stderr)
        return EXIT_USAGE
    if args.month and args.districts:
        print("错误 / error: 区县通报按季度发布，--districts 须与 --quarter 同用 / --districts goes "
              "with --quarter", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("错误 / error: --jobs 应为正整数 / --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        issued = date(args.issued_on) if args.issued_on else None
        districts = _districts(args.districts) if args.districts else ()
        plan = plan_run(args.month or args.quarter or "latest", args.raw, args.reports, issued,
                        catalogue=args.catalogue, year=args.year, monthly=bool(args.month),
                        draft=args.draft, replace=args.replace, force=args.force)
        outcome = execute(plan, progress=not args.quiet)
    except (ParameterError, RunError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    where = relative(outcome.target)
    if outcome.skipped:
        print(f"未变化，跳过 / unchanged, skipped: {where}/ 的输入与参数与已发布的相同")
    else:
        if outcome.superseded is not None:
            print(f"原发布件另存于 / previous publication kept in: {relative(outcome.superseded)}/")
        print(f"已发布{'（征求意见稿）' if plan.draft else ''} / published"
              f"{' (draft)' if plan.draft else ''}: {where}/")
    code = _data_warnings(outcome.target)
    if districts:
        code = max(code, _run_districts(args, plan, outcome.target, districts))
    return code


def _data_warnings(target: Path) -> int:
    """EXIT_WARNINGS, with one line, when the publication's data kept rows or files out."""
    from minsheng.contracts import store
    from minsheng.run.kernels import relative
    from minsheng.run.manifest import DATA

    q = store.read_quality(target / DATA)
    if not (q.rows_quarantined or q.files_rejected):
        return EXIT_OK
    where = relative(target)
    listed = f"{where}/checklist.xlsx" if (target / "checklist.xlsx").exists() else \
        f"{where}/{DATA}/{store.QUARANTINE}"
    print(f"注意 / warnings: 隔离{q.rows_quarantined}行、拒收{len(q.files_rejected)}个文件，"
          f"未计入台账，请核实（见 {listed}）")
    return EXIT_WARNINGS


def _districts(value: str) -> tuple[str, ...]:
    from minsheng.run.fanout import parse_districts

    return parse_districts(value)


def _run_districts(args: argparse.Namespace, plan, city: Path, districts: tuple[str, ...]) -> int:
    """The district bulletins of a published quarter; exit 3 when any failed."""
    from tqdm import tqdm

    from minsheng.run.fanout import FAILED, run_districts, summary
    from minsheng.run.kernels import relative

    bar = tqdm(total=len(districts), desc="区县通报", unit="个", disable=args.quiet, file=sys.stderr)

    def done(outcome) -> None:
        bar.update(1)
        bar.set_postfix_str(outcome.district)

    try:
        outcomes = run_districts(city, districts, jobs=args.jobs, scheduler=args.scheduler,
                                 force=args.force, on_done=done)
    except KeyboardInterrupt:
        bar.close()
        print("区县通报已中断；已完成的区县已发布，其余保留此前的发布件 / interrupted: finished "
              "districts are published, the others keep their previous publication", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:      # a scheduler that cannot be reached
        bar.close()
        print(f"错误 / error: 无法连接调度器 / cannot reach the scheduler {args.scheduler}: {exc}",
              file=sys.stderr)
        return EXIT_FAILED
    bar.close()
    by = summary(outcomes)
    print(f"区县通报 / district bulletins ({relative(city)}/districts/): 发布{len(by['published'])}个，"
          f"未变化跳过{len(by['skipped'])}个，失败{len(by['failed'])}个")
    for o in outcomes:
        if o.status == FAILED:
            print(f"  失败 / failed: {o.district}：{o.message}", file=sys.stderr)
    return EXIT_WARNINGS if by["failed"] else EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from minsheng.run.params import ParameterError
    from minsheng.run.verify import PublicationError, verify_publication

    try:
        result = verify_publication(args.publication)
    except (ParameterError, PublicationError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for line in result.lines():
        print(line, file=sys.stdout if result.ok else sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minsheng", description="重点民生实事 跟踪：台账、完成率、季度通报")
    sub = parser.add_subparsers(dest="command", required=True)
    year_help = "目录年度（默认：data/targets 中最新的一年）"
    catalogue_help = "目标目录 YAML 路径（默认 data/targets/<year>.yaml）"

    p = sub.add_parser("targets", help="列出目标清单 / print the target catalogue")
    p.add_argument("--year", type=int, help=year_help)
    p.add_argument("--catalogue", help=catalogue_help)
    p.add_argument("--format", choices=["csv", "table"], default="table")
    p.set_defaults(func=_cmd_targets)

    p = sub.add_parser("template", help="生成月调度报送模板 / write the monthly report form (.xlsx)")
    p.add_argument("--year", type=int, help=year_help)
    p.add_argument("--out", required=True, help="输出 .xlsx 路径")
    p.add_argument("--unit", help="只含该报送单位的指标（默认：全部）")
    p.add_argument("--catalogue", help=catalogue_help)
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("clean", help="清洗各单位月报，生成台账 / clean unit submissions into the ledger")
    p.add_argument("raw_dir", help="原始报送文件目录（递归读取 xlsx、xlsm、xls、xlsb、ods、csv）")
    p.add_argument("--out", required=True, help="输出目录：ledger.parquet, history.parquet, quarantine.csv, quality.json")
    p.add_argument("--year", type=int, help=year_help)
    p.add_argument("--catalogue", help=catalogue_help)
    p.set_defaults(func=_cmd_clean)

    p = sub.add_parser("run", help="执行笔记本并发布季度通报或月度调度 / run the notebooks and publish")
    p.add_argument("--quarter", default=None, help="如 2026Q3，或 latest（最近一个报送已截止的季度；"
                                                   "与 --year 同用时为该年的）；默认 latest")
    p.add_argument("--month", default=None, help="月度调度：如 2026-09，或 latest（最近一个报送已截止的月份）")
    p.add_argument("--districts", default=None,
                   help="同时发布区县通报：all（38个区县）或区县全称，逗号分隔 / district bulletins too")
    p.add_argument("--jobs", type=int, default=None,
                   help="区县通报并行进程数（默认：本机处理器核数）/ parallel district jobs")
    p.add_argument("--scheduler", default=None,
                   help="在 Dask 集群上运行区县通报，如 tcp://host:8786 / run district jobs on a Dask cluster")
    p.add_argument("--year", type=int, help="年度（须与 --quarter 一致）")
    p.add_argument("--catalogue", help=catalogue_help + "，须在项目目录内")
    p.add_argument("--raw", default=None, help="原始报送文件夹（默认：data/sample/raw）")
    p.add_argument("--reports", default=None, help="发布目录（默认：reports/）")
    p.add_argument("--issued-on", default=None, help="通报日期 YYYY-MM-DD（默认：今天）")
    p.add_argument("--draft", action="store_true",
                   help="季度未结束或末月报送未到齐时，仍发布征求意见稿 / publish a draft before the quarter is final")
    p.add_argument("--replace", action="store_true",
                   help="重新发布已发布的季度（原发布件另存于发布目录下 _superseded/）/ replace an existing publication")
    p.add_argument("--force", action="store_true",
                   help="输入与参数未变化时也重新生成 / publish even when nothing changed")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("verify", help="核验已发布的通报：文件哈希与按台账重算的指标明细 / verify a publication")
    p.add_argument("publication", help="发布目录，如 reports/2026Q3（须在项目目录内，相对路径从项目根目录起算）")
    p.set_defaults(func=_cmd_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    from minsheng.catalogue import CatalogueError
    from minsheng.contracts.quality import QualityReportError

    quick_exit.freeze_at_exit()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CatalogueError, QualityReportError, FileNotFoundError, PermissionError,
            ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED
    except BrokenPipeError:  # `minsheng targets … | head`
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
