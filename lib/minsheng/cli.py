"""Command line: `minsheng <command>` (also `python -m minsheng`).

Each command is a thin wrapper around lib functions. Data problems end in a one-line
message and a documented exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

import minsheng.fastimport  # noqa: F401  (before anything imports nbformat)

# Exit codes (documented in README): 0 ok; 1 failed; 2 usage error; 3 done with warnings
# (rows quarantined or files rejected).
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WARNINGS = 0, 1, 2, 3


def _cmd_targets(args: argparse.Namespace) -> int:
    from minsheng.catalogue import load_catalogue

    cat = load_catalogue(args.year)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minsheng", description="重点民生实事 跟踪：台账、完成率、季度通报")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("targets", help="列出目标清单 / print the target catalogue")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--format", choices=["csv", "table"], default="table")
    p.set_defaults(func=_cmd_targets)

    from minsheng import cleaning, runner, template

    for module in (template, cleaning, runner):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from minsheng.catalogue import CatalogueError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CatalogueError, FileNotFoundError, PermissionError, ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED
    except BrokenPipeError:  # `minsheng targets … | head`
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
