"""Run every benchmark suite, print the figures, merge them into results.json.

python -m bench.run            every suite
python -m bench.run grid       only the named ones
"""

import importlib
import sys
import tempfile
from pathlib import Path

from bench.results import merge_into, print_table

# Each suite is a module of this package with run(workdir) -> [Figure].
SUITES = ("grid",)


def main(argv):
    names = argv or list(SUITES)
    unknown = [name for name in names if name not in SUITES]
    if unknown:
        print(f"unknown suites: {', '.join(unknown)}; known: {', '.join(SUITES)}")
        return 2
    figures = []
    with tempfile.TemporaryDirectory(prefix="partnerhub-bench-") as workdir:
        for name in names:
            suite = importlib.import_module(f"bench.{name}")
            figures += suite.run(Path(workdir))
    print_table(figures)
    path = merge_into(figures)
    print(f"written to {path}")
    return 0 if all(figure.within_budget for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
