"""`make reference`: the one way notebook outputs are regenerated.

1. Clean the reference submissions (data/reference/raw → data/reference/clean).
2. Execute every notebook in notebooks/ in place with its default parameters, which point
   at the reference data, and drop papermill's timing metadata so a re-run on the same
   inputs leaves the files byte-identical (nbval then checks the stored outputs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401
import nbformat
import papermill as pm
from minsheng import config
from minsheng.run import cli
from tqdm import tqdm

VOLATILE_CELL_KEYS = ("papermill", "execution")


def strip_volatile(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
    nbformat.write(nb, path)


def main() -> int:
    code = cli.main(["clean", str(config.REFERENCE_RAW), "--out",
                     str(config.DATA / "reference" / "clean"), "--year", "2026"])
    if code not in (cli.EXIT_OK, cli.EXIT_WARNINGS):
        return code
    # `make reference` runs them all; naming some (e.g. 02_attainment) reruns just those.
    wanted = set(sys.argv[1:])
    notebooks = [nb for nb in sorted(config.NOTEBOOKS.glob("[0-9]*.ipynb"))
                 if not wanted or nb.stem in wanted]
    for nb in tqdm(notebooks, desc="reference", unit="nb", file=sys.stderr):
        pm.execute_notebook(str(nb), str(nb), kernel_name="python3", progress_bar=False,
                            cwd=str(config.ROOT))
        strip_volatile(nb)
    print(f"regenerated {len(notebooks)} notebooks from {config.REFERENCE_RAW.relative_to(config.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
