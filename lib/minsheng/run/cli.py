"""Command line: `minsheng <command>` (also `python -m minsheng`).

Every command is a thin wrapper around lib functions. Data problems end in a one-line
message and a documented exit code, never a traceback.

Exit codes (README): 0 ok; 1 failed; 2 usage error; 3 done with warnings (rows quarantined
or files rejected).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before anything imports nbformat)

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


def _cmd_clean(args: argparse.Namespace) -> int:
    from minsheng.catalogue import resolve_catalogue
    from minsheng.contracts import store
    from minsheng.intake.clean import clean
    from minsheng.report.quality import summary_lines

    raw = Path(args.raw_dir)
    if not raw.is_dir():
        raise FileNotFoundError(f"原始数据目录不存在：{raw}")
    catalogue = resolve_catalogue(args.year, args.catalogue)
    result = clean(raw, catalogue, progress=True)
    store.write(result, args.out)
    for line in summary_lines(result.quality):
        print(line)
    print(f"输出：{Path(args.out)}", file=sys.stdout)
    return EXIT_WARNINGS if result.has_problems else EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from minsheng.run.params import ParameterError, date
    from minsheng.run.runner import RunError, execute, plan_run, relative

    try:
        issued = date(args.issued_on) if args.issued_on else None
        plan = plan_run(args.quarter, args.raw, args.reports, issued)
        target = execute(plan, progress=not args.quiet)
    except (ParameterError, RunError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"已发布 / published: {relative(target)}/")
    return EXIT_OK


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
    p.add_argument("raw_dir", help="原始报送文件目录（递归读取 *.xlsx, *.csv）")
    p.add_argument("--out", required=True, help="输出目录：ledger.parquet, history.parquet, quarantine.csv, quality.json")
    p.add_argument("--year", type=int, help=year_help)
    p.add_argument("--catalogue", help=catalogue_help)
    p.set_defaults(func=_cmd_clean)

    p = sub.add_parser("run", help="执行笔记本并发布季度通报 / run the notebooks and publish")
    p.add_argument("--quarter", default="latest", help="如 2026Q3，或 latest（最近一个已结束的季度）")
    p.add_argument("--raw", default=None, help="原始报送文件夹（默认：data/sample/raw）")
    p.add_argument("--reports", default=None, help="发布目录（默认：reports/）")
    p.add_argument("--issued-on", default=None, help="通报日期 YYYY-MM-DD（默认：今天）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.set_defaults(func=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from minsheng.catalogue import CatalogueError
    from minsheng.contracts.quality import QualityReportError

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
