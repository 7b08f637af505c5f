"""Run skgenecyt's benchmarks and print each figure as a ratio to its reference.

Usage::

    python benchmarks/run.py               # every benchmark
    python benchmarks/run.py vae gat       # only bench_vae.py and bench_gat.py
    python benchmarks/run.py --json        # machine-readable output
    python benchmarks/run.py --list        # the available benchmarks

Each ``benchmarks/bench_<name>.py`` defines ``run() -> list[Figure]``. The exit
code is 1 when any figure misses its target, so the runner can gate a build.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def available() -> list[str]:
    return sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))


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

    figures = []
    for name in args.names or names:
        module = importlib.import_module(f"bench_{name}")
        for fig in module.run():
            figures.append((name, fig))
            if not args.json:
                mark = "ok  " if fig.passed else "MISS"
                goal = ">=" if fig.higher_is_better else "<="
                print(
                    f"{mark} {name:<12} {fig.name:<52} ratio {fig.ratio:8.3f} "
                    f"(target {goal} {fig.target:g}; {fig.value:.4g} vs {fig.reference:.4g} "
                    f"{fig.unit}) {fig.note}",
                    flush=True,
                )
    if args.json:
        print(json.dumps([{"benchmark": n, **f.as_dict()} for n, f in figures], indent=2))
    return 0 if all(f.passed for _, f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
