"""Run skgenecyt's benchmarks and print each figure as a ratio to its reference.

Usage::

    python benchmarks/run.py               # every benchmark
    python benchmarks/run.py vae gat       # only bench_vae.py and bench_gat.py
    python benchmarks/run.py --json        # machine-readable output
    python benchmarks/run.py --list        # the available benchmarks

Each ``benchmarks/bench_<name>.py`` defines ``run() -> list[Figure]``. The exit
code is 1 when any figure misses its target, so the runner can gate a build.
``--json`` prints the figures with the facts needed to weigh them: the date,
the commit, the machine and its load average before and after each
benchmark; ``benchmarks/write_tables.py`` turns that output into the tables of
the READMEs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import machine  # noqa: E402


def available() -> list[str]:
    return sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))


def _line(name, fig):
    if fig.skipped:
        return f"skip {name:<12} {fig.name:<52} ({fig.skipped})"
    mark = "info" if fig.target is None else "ok  " if fig.passed else "MISS"
    goal = "no target" if fig.target is None else (
        f"target {'>=' if fig.higher_is_better else '<='} {fig.target:g}")
    spread = ""
    if len(fig.ratios) > 1:
        spread = f", rounds {min(fig.ratios):.3g} to {max(fig.ratios):.3g}"
    cpu = ""
    if fig.cpu_seconds:
        cpu = f", CPU {fig.cpu_seconds[0]:.4g} vs {fig.cpu_seconds[1]:.4g} s"
    return (f"{mark} {name:<12} {fig.name:<52} ratio {fig.ratio:8.3f} "
            f"({goal}{spread}; {fig.value:.4g} vs {fig.reference:.4g} "
            f"{fig.unit}{cpu}) {fig.note}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    names = available()
    if args.list:
        print("\n".join(names))
        return 0
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(names)}")

    meta = machine()
    figures = []
    for name in args.names or names:
        module = importlib.import_module(f"bench_{name}")
        load_before = machine()["load_average"]
        results = module.run()
        load_after = machine()["load_average"]
        for fig in results:
            figures.append({"benchmark": name, **fig.as_dict(),
                            "load_average_before": load_before,
                            "load_average_after": load_after})
            if not args.json:
                print(_line(name, fig), flush=True)
    if args.json:
        print(json.dumps(_clean({"run": meta, "figures": figures}), indent=2, allow_nan=False))
    return 0 if all(f["passed"] for f in figures) else 1


def _clean(obj):
    """NaN (skipped figures) as null: JSON has no NaN."""
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


if __name__ == "__main__":
    sys.exit(main())
