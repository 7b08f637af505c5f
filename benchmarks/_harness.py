"""Shared measuring tools for the benchmark scripts.

Each benchmark compares the code under test against a reference measured in
the same run on the same machine, so the printed figure is a ratio that stays
meaningful on shared, noisy machines. Timed sides run alternately, several
rounds each (:func:`alternate`): both see the same load, and the figure is the
median of the per-round ratios, with the median seconds of each side for
context, and their CPU seconds (which the load disturbs less). Peak memory
is measured in a fresh subprocess.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """One benchmark figure: ``value / reference`` checked against ``target``.

    ``target`` is the largest acceptable ratio (``ratio <= target``) unless
    ``higher_is_better`` is set, in which case the ratio must reach it. With
    ``ratios`` (one per alternated round) the ratio is their median rather than
    ``value / reference``. A figure without a target (``target=None``) is
    reported for information only; one that cannot be measured here (no GPU,
    say) carries the reason in ``skipped``. Neither fails the run.
    """

    name: str
    value: float
    reference: float
    unit: str
    target: float | None
    higher_is_better: bool = False
    note: str = ""
    ratios: list = field(default_factory=list)
    skipped: str = ""
    cpu_seconds: list = field(default_factory=list)  # CPU time of [value, reference]

    @property
    def ratio(self) -> float:
        if self.skipped:
            return float("nan")
        if self.ratios:
            return statistics.median(self.ratios)
        return self.value / self.reference if self.reference else float("inf")

    @property
    def passed(self) -> bool:
        if self.skipped or self.target is None:
            return True
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(ratio=self.ratio, passed=self.passed)
        return out


def skipped(name: str, reason: str, *, unit: str = "", target: float | None = None,
            higher_is_better: bool = False) -> Figure:
    """A figure that cannot be measured on this machine, with the reason."""
    return Figure(name=name, value=float("nan"), reference=float("nan"), unit=unit,
                  target=target, higher_is_better=higher_is_better, skipped=reason)


def timed(fn) -> float:
    """Wall time of one call of ``fn()``, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@dataclass
class Timing:
    """Medians of alternated rounds: wall seconds, per-round ratios and CPU seconds."""

    value: float
    reference: float
    ratios: list
    cpu_value: float
    cpu_reference: float

    def fields(self) -> dict:
        """The Figure fields this timing fills."""
        return {"value": self.value, "reference": self.reference, "ratios": self.ratios,
                "cpu_seconds": [self.cpu_value, self.cpu_reference]}


def alternate(measured, reference, rounds: int = 5, warmup: bool = True) -> Timing:
    """Time ``measured()`` and ``reference()`` in turn, ``rounds`` times each.

    Returns the median wall times of both sides, the ratio of each round
    (measured / reference) and the median CPU times of both sides (this
    process, all its threads). Alternating makes both sides see the same load
    on a shared machine; the median of the rounds keeps one disturbed round
    from deciding the figure. With ``warmup`` each side runs once first,
    untimed (imports, caches, the allocator's first pages).
    """
    if warmup:
        measured()
        reference()
    rows = [(*_wall_and_cpu(measured), *_wall_and_cpu(reference)) for _ in range(rounds)]
    walls, cpus, ref_walls, ref_cpus = zip(*rows)
    median = statistics.median
    return Timing(median(walls), median(ref_walls), [w / r for w, r in zip(walls, ref_walls)],
                  median(cpus), median(ref_cpus))


def _wall_and_cpu(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def best_time(fn, repeat: int = 3) -> float:
    """Minimum wall time of ``fn()`` over ``repeat`` calls, in seconds."""
    return min(timed(fn) for _ in range(repeat))


def machine() -> dict:
    """Where and when a run happens: the facts a reader needs to weigh its figures."""
    import numpy
    import sklearn
    import torch

    return {
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": _git("rev-parse", "--short=12", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "load_average": _load(),
    }


def _load():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # not on this platform
        return None


def _git(*args) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                             check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib():
    try:
        with open("/proc/meminfo") as info:
            kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
        return round(kib / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        return None


def run_in_subprocess(code: str) -> dict:
    """Run ``code`` in a fresh Python; it must set a dict named ``result``.

    The returned dict gains ``peak_rss_bytes``: the child's peak resident set
    size, which includes torch's allocations that tracemalloc cannot see.
    ``code`` may call ``peak_rss()`` for the peak so far. On Linux the peak is
    the child's own high-water mark (``VmHWM``): ``ru_maxrss`` would do
    elsewhere, but on Linux it can carry the parent's peak into the child.
    """
    wrapper = textwrap.dedent(
        """
        import json, resource, sys

        def peak_rss():
            try:
                with open("/proc/self/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            return int(line.split()[1]) * 1024
            except OSError:
                pass
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

        _ns = {"peak_rss": peak_rss}
        exec(compile(sys.stdin.read(), "<benchmark>", "exec"), _ns)
        _res = _ns["result"]
        _res["peak_rss_bytes"] = peak_rss()
        print("__RESULT__" + json.dumps(_res))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper], input=textwrap.dedent(code),
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{proc.stderr[-4000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("__RESULT__")][-1]
    return json.loads(line[len("__RESULT__"):])
