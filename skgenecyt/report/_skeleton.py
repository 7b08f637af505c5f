"""The skeleton every report shares: timer, progress, staged folder, results header, publishing.

A report entry point (:func:`~skgenecyt.report.reproduce`,
:func:`~skgenecyt.report.benchmark_report`,
:func:`~skgenecyt.report.perturbation_report`) computes its own numbers and
blocks inside one :class:`Report` block::

    with Report("benchmark", out, force=force, verbose=verbose,
                random_state=random_state) as report:
        with report.step("benchmark"):
            ...                                    # the work; files go to report.stage
        with report.step("writing the report"):
            results = report.results({...})        # header + body + environment
            report.publish("Title", blocks, results)
    return results

The block owns what is the same in every report: torch on one thread, the
timer, the progress lines, the hidden staging folder (nothing reaches ``out``
unless :meth:`Report.publish` ran; an error or Ctrl-C leaves ``out`` as it
was), the header of ``results.json`` (kind, created, command, random state,
environment, wall time), the reproducibility section and the three documents.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import time

from skgenecyt._training import torch_threads
from skgenecyt.report._document import Bullets, Code, Heading, to_html, to_markdown
from skgenecyt.report._io import StagedFolder
from skgenecyt.report._results import dumps, environment


class Progress:
    """One line on stderr when a long step starts and when it ends (with its time)."""

    def __init__(self, verbose=1, stream=None):
        self.verbose = verbose
        self.stream = stream

    def say(self, text):
        if self.verbose:
            print(f"[skgenecyt] {text}", file=self.stream or sys.stderr, flush=True)

    @contextlib.contextmanager
    def step(self, text):
        self.say(f"{text} ...")
        start = time.perf_counter()
        yield
        self.say(f"{text}: done in {time.perf_counter() - start:.1f} s")


class Report:
    """One run of a report: use as a context manager around all of its work.

    Parameters
    ----------
    kind : str
        The ``kind`` of ``results.json`` (``"reproduce"``, ``"benchmark"``,
        ``"perturbation"``).
    out : str or path
        The output folder; refused at once when it holds files and ``force``
        is False.
    force : bool
        Overwrite the files this run writes in a non-empty ``out``.
    verbose : int
        Progress lines on stderr.
    random_state : int or None
        Recorded in the header.
    mode : dict, default=None
        Fields that say how the run was sized (e.g. ``{"quick": True}``),
        recorded right after ``kind``.
    provenance : dict, default=None
        Where the inputs came from (e.g. ``{"sources": ...}``), recorded
        right before ``random_state``.

    Torch runs on one thread per process inside the block: the networks are
    small, and several threads per tiny operation mostly wait for each other
    (many times slower on a busy machine). Parallel fits (``n_jobs``) are the
    way to use more cores.
    """

    def __init__(self, kind, out, *, force, verbose, random_state, mode=None,
                 provenance=None):
        self.kind = kind
        self.out = out
        self.random_state = random_state
        self.mode = dict(mode or {})
        self.provenance = dict(provenance or {})
        self.progress = Progress(verbose)
        self.stage = StagedFolder(out, force)  # refuses a non-empty folder before any work
        self._exit = contextlib.ExitStack()
        self._started = None

    def __enter__(self):
        self._started = time.perf_counter()
        with contextlib.ExitStack() as stack:
            stack.enter_context(self.stage)
            stack.enter_context(torch_threads(1))
            self._exit = stack.pop_all()
        return self

    def __exit__(self, *exc_info):
        self._exit.close()  # the staging folder goes; out keeps what publish() put there
        if exc_info[0] is None:
            self.progress.say(f"report written to {self.out} in {self.elapsed():.0f} s")
        return False

    def elapsed(self):
        """Seconds since the block was entered."""
        return time.perf_counter() - self._started

    def step(self, text):
        """A context manager that reports the start and the duration of a step."""
        return self.progress.step(text)

    def results(self, body):
        """The content of ``results.json``: the header, ``body``, the environment.

        The header is ``kind``, the ``mode`` fields, ``created`` (UTC),
        ``command`` (``sys.argv``), the ``provenance`` fields and
        ``random_state``; :meth:`publish` adds ``wall_time_s`` at the end.
        """
        return {
            "kind": self.kind,
            **self.mode,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "command": sys.argv,
            **self.provenance,
            "random_state": self.random_state,
            **body,
            "environment": environment(),
        }

    def publish(self, title, blocks, results, command=None):
        """Record the wall time, write the documents and move every file into ``out``.

        Appends the reproducibility section (seeds, environment, wall time and
        ``command``, by default the command line of this process) to
        ``blocks``, writes ``results.json``, ``report.html`` and
        ``report.md`` and publishes the staged files together.
        """
        results["wall_time_s"] = self.elapsed()
        command = " ".join(sys.argv) if command is None else command
        blocks = [*blocks, *reproducibility_blocks(results, command)]
        self.stage.write_text("results.json", dumps(results))
        self.stage.write_text("report.html", to_html(title, blocks))
        self.stage.write_text("report.md", to_markdown(title, blocks))
        return self.stage.publish()


def reproducibility_blocks(results, command):
    """The closing section of every report: seeds, environment, wall time, command."""
    env = results["environment"]
    versions = ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v)
    return [
        Heading("Reproducibility"),
        Bullets([
            f"Random state {results['random_state']}; seeds drawn from it by the benchmark: "
            f"{results['seeds']['benchmark']}.",
            f"Python {env['python']} on {env['platform']}, {env['cpu_count']} CPUs.",
            f"Packages: {versions}.",
            f"Wall time {results['wall_time_s']:.0f} s.",
            "results.json holds every number, the exact parameters of every model, the "
            "seeds and the versions.",
        ]),
        Code(command),
    ]
