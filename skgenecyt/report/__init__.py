"""Reports of whole experiments: the paper's reproduction and benchmarks on your data.

Each writes a folder with ``report.md``, a self-contained ``report.html``,
CSV tables, PNG figures and ``results.json`` (every number, parameters, seeds
and versions). Files are written atomically and only once everything is
computed; a non-empty folder is not overwritten unless asked.
:func:`perturbation_summary` gives the tables and figures of a perturbation
analysis in memory, and :data:`PAPER` the reference paper's published numbers.
"""

from skgenecyt.report._benchmark_report import benchmark_report
from skgenecyt.report._cohort_files import write_cohort
from skgenecyt.report._io import OutputExistsError
from skgenecyt.report._paper import PAPER
from skgenecyt.report._perturbation_report import perturbation_report
from skgenecyt.report._perturbation_summary import perturbation_summary
from skgenecyt.report._reproduce import reproduce

__all__ = [
    "PAPER",
    "OutputExistsError",
    "benchmark_report",
    "perturbation_report",
    "perturbation_summary",
    "reproduce",
    "write_cohort",
]
