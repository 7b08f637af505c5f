"""Write the benchmark tables of README.md and benchmarks/README.md from runner output.

Usage::

    python benchmarks/run.py --json > benchmarks/results/all.json
    python benchmarks/write_tables.py benchmarks/results/all.json [more.json ...]

Each file is the ``--json`` output of one run of ``benchmarks/run.py`` (heavy
benchmarks such as ``scale`` may run on their own). The tables replace what
stands between the ``<!-- benchmark-table:begin -->`` and ``<!-- benchmark-table:end -->``
markers of both READMEs, and say when, at which commit and on what machine,
under what load, each figure was measured. A run of a commit whose code
differs from the checked-out one (anything but Markdown and the result files
changed since), or of uncommitted changes, is refused: the tables must
describe the code beside them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
READMES = (REPO / "README.md", HERE / "README.md")
BEGIN, END = "<!-- benchmark-table:begin -->", "<!-- benchmark-table:end -->"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path, help="JSON output of run.py --json")
    parser.add_argument("--check", action="store_true",
                        help="only report whether the READMEs hold these tables (exit 1 if not)")
    args = parser.parse_args(argv)

    runs = [json.loads(path.read_text()) for path in args.results]
    problems = [p for path, run in zip(args.results, runs) for p in _provenance(path, run)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    table = render(runs, [_relative(p) for p in args.results])
    stale = []
    for readme in READMES:
        text = readme.read_text()
        new = replace_between_markers(text, table, readme)
        if new != text:
            stale.append(readme)
            if not args.check:
                readme.write_text(new)
    if args.check:
        for readme in stale:
            print(f"{_relative(readme)} does not hold the tables of these results",
                  file=sys.stderr)
        return 1 if stale else 0
    for readme in stale:
        print(f"updated {_relative(readme)}")
    return 0


def render(runs, sources) -> str:
    """The Markdown table of every figure, and a note per run on where it was measured."""
    lines = [
        "| benchmark | figure | target | measured ratio (median) | rounds: min to max (n) "
        "| median values (wall; CPU) | met |",
        "|---|---|---|---|---|---|---|",
    ]
    several = len(runs) > 1
    for number, run in enumerate(runs, start=1):
        mark = f" [{number}]" if several else ""
        for fig in run["figures"]:
            lines.append(_row(fig, mark))
    lines.append("")
    for number, (run, source) in enumerate(zip(runs, sources), start=1):
        prefix = f"[{number}] " if several else ""
        lines.append(prefix + _where(run, source))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _row(fig, mark) -> str:
    name = fig["name"] + mark
    if fig.get("skipped"):
        return f"| {fig['benchmark']} | {name} | {_target(fig)} | skipped: {fig['skipped']} | | | |"
    ratios = fig.get("ratios") or []
    spread = f"{_num(min(ratios))} to {_num(max(ratios))} ({len(ratios)})" if ratios else "1"
    values = f"{_num(fig['value'])} vs {_num(fig['reference'])} {fig['unit']}"
    if fig.get("cpu_seconds"):
        values += f" (CPU {_num(fig['cpu_seconds'][0])} vs {_num(fig['cpu_seconds'][1])} s)"
    met = "info" if fig["target"] is None else "yes" if fig["passed"] else "**no**"
    return (f"| {fig['benchmark']} | {name} | {_target(fig)} | {_num(fig['ratio'])} | {spread} "
            f"| {values} | {met} |")


def _target(fig) -> str:
    if fig["target"] is None:
        return "none"
    return f"{'>=' if fig['higher_is_better'] else '<='} {_num(fig['target'])}"


def _num(x) -> str:
    if x is None:
        return "n/a"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"


def _where(run, source) -> str:
    meta = run["run"]
    loads = [f[key][0] for f in run["figures"]
             for key in ("load_average_before", "load_average_after") if f.get(key)]
    load = (f"1-minute load average {min(loads):g} to {max(loads):g} while it ran"
            if loads else "load average not recorded")
    cuda = f", GPU {meta['cuda']}" if meta.get("cuda") else ", no GPU"
    return (f"Measured {meta['date_utc']} at commit `{meta['commit']}` by "
            f"`python benchmarks/run.py --json` (`{source}`): {meta['cpu']}, "
            f"{meta['logical_cpus']} logical CPUs, {meta['memory_gib']} GiB{cuda}; "
            f"Python {meta['python']}, torch {meta['torch']}, numpy {meta['numpy']}, "
            f"scikit-learn {meta['scikit-learn']}; {load}. Timed figures alternate the two "
            "sides for several rounds and report the median ratio.")


def replace_between_markers(text, table, where) -> str:
    try:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise SystemExit(f"{_relative(where)} lacks the markers {BEGIN} ... {END}") from None
    return f"{head}{BEGIN}\n{table}{END}{tail}"


def _provenance(path, run):
    """Reasons why ``run`` cannot describe the checked-out code (none if it can)."""
    meta = run["run"]
    if meta.get("uncommitted_changes"):
        return [f"{path}: measured with uncommitted changes; commit, then rerun."]
    changed = _git("diff", "--name-only", meta["commit"], "HEAD")
    if changed is None:
        return [f"{path}: commit {meta['commit']} is not in this repository."]
    code = [name for name in changed.splitlines()
            if not name.endswith(".md") and not name.startswith("benchmarks/results/")]
    if code:
        return [f"{path}: measured at {meta['commit']}, but the code changed since "
                f"({', '.join(code[:5])}{' ...' if len(code) > 5 else ''}); rerun."]
    return []


def _git(*args):
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def _relative(path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
