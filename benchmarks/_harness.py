"""Shared measuring tools for the benchmark scripts.

Each benchmark compares the code under test against a reference measured in
the same run on the same machine, so the printed figure is a ratio that stays
meaningful on shared, noisy machines. Wall times are the minimum over repeats
(the least disturbed run); peak memory is measured in a fresh subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    """One benchmark figure: ``value / reference`` checked against ``target``.

    ``target`` is the largest acceptable ratio (``ratio <= target``) unless
    ``higher_is_better`` is set, in which case the ratio must reach it.
    """

    name: str
    value: float
    reference: float
    unit: str
    target: float
    higher_is_better: bool = False
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.reference if self.reference else float("inf")

    @property
    def passed(self) -> bool:
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(ratio=self.ratio, passed=self.passed)
        return out


def best_time(fn, repeat: int = 3) -> float:
    """Minimum wall time of ``fn()`` over ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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
