"""Figures, the table they are printed in, and results.json."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    budget: float | None = None

    @property
    def within_budget(self):
        return self.budget is None or self.value <= self.budget


def print_table(figures):
    width = max(len(figure.name) for figure in figures)
    print(f"{'figure':<{width}}  {'value':>10}  {'unit':<7} {'budget':>8}  ok")
    for figure in figures:
        budget = "" if figure.budget is None else f"{figure.budget:g}"
        mark = (
            "" if figure.budget is None else ("yes" if figure.within_budget else "NO")
        )
        print(
            f"{figure.name:<{width}}  {figure.value:>10g}  {figure.unit:<7} "
            f"{budget:>8}  {mark}"
        )


def merge_into(figures, path=RESULTS_PATH):
    """Write the figures into results.json, replacing those of the same name."""
    existing = []
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            existing = []
    fresh = {figure.name for figure in figures}
    kept = [item for item in existing if item.get("name") not in fresh]
    merged = kept + [asdict(figure) for figure in figures]
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path
