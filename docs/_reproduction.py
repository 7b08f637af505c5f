"""Tables of the reproduction page: the paper's numbers and a recorded ``results.json``.

``skgenecyt reproduce`` writes every number it reports to ``results.json``.
A full run's file is kept in ``docs/reproduction/`` with its figures; at build
time ``conf.py`` turns it into the reStructuredText that ``reproduction.rst``
includes, so the page shows exactly the recorded numbers and nothing typed by
hand. Without a recorded run the page says so. The paper's published numbers
come from ``skgenecyt.report.PAPER``, where the reports read them too.

This module needs skgenecyt (for the paper's numbers), not Sphinx.
"""

from __future__ import annotations

import json
from pathlib import Path

from skgenecyt.report._paper import MODULES, PAPER, PAPER_METRICS, paper_rows, paper_text

RESULTS = Path(__file__).resolve().parent / "reproduction" / "results.json"
#: Where the recorded run came from: {"commit": ..., "note": ...}, written by hand.
PROVENANCE = RESULTS.parent / "provenance.json"
#: The run's figures shown on the page (file in docs/reproduction/, caption).
FIGURES = (
    ("roc_holdout.png", "ROC curves of every model on the holdout cohort."),
    ("cv_auc.png", "Cross-validated ROC AUC: one dot per fold, mean ± SD beside it, "
                   "the paper's value as a band."),
    ("perturbation_effects.png", "Change in P(RA) for a +1 SD shift of each module, "
                                 "with 95% intervals, the size-matched null (grey) and "
                                 "the paper's values."),
    ("dose_response.png", "GeneCytNet's dose-response curves."),
)
#: The holdout metrics of the classification table (CV AUC is its last column).
METRICS = tuple((key, PAPER_METRICS[key])
                for key in ("holdout_roc_auc", "holdout_accuracy", "holdout_f1"))


def load_results(path=RESULTS):
    """The recorded results, or None when no run has been recorded."""
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _list_table(header, rows, widths=None):
    """A list-table: the results class (full width, fixed layout) or, with widths, those."""
    lines = [".. list-table::", "   :header-rows: 1"]
    if widths:
        lines.append(f"   :widths: {' '.join(map(str, widths))}")
    else:
        lines.append("   :class: results")
    lines.append("")
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return [*lines, ""]


def benchmark_table(results):
    """One row per model, the paper's GeneCytNet first: holdout metrics, CV AUC."""
    models = results["benchmark"]
    k = models[0]["n_splits"]
    header = ["Model", *[label for _, label in METRICS], f"{k}-fold CV ROC AUC"]
    rows = [["GeneCytNet, paper",
             *[paper_text(PAPER[key]) for key, _ in METRICS], paper_text(PAPER["cv_roc_auc"])]]
    for m in models:
        cells = [m['model']]
        for key, _ in METRICS:
            cells.append(f"{m[key]:.3f} [{m[key + '_ci_low']:.3f}, {m[key + '_ci_high']:.3f}]")
        cells.append(f"{m['cv_roc_auc_mean']:.3f} ± {m['cv_roc_auc_sd']:.3f}")
        rows.append(cells)
    return _list_table(header, rows)


def effects_table(results):
    """One row per model, the paper's first: mean change in P(RA) per module."""
    effects = results["perturbation_effects"]
    header = ["Model", *[f"{label} module" for label in MODULES.values()]]
    rows = [["GeneCytNet, paper",
             *[paper_text(PAPER["effects"][m], signed=True) for m in MODULES]]]
    for name, table in effects.items():
        cells = [name]
        for module in MODULES:
            row = next(r for r in table if r["module"] == module and r["shift"] == 1.0)
            cells.append(f"{row['delta_mean']:+.3f} [{row['ci_low']:+.3f}, "
                         f"{row['ci_high']:+.3f}]; p = {row['p_value']:.3f}")
        rows.append(cells)
    return _list_table(header, rows)


def prior_sets_table(results):
    """GeneCytNet on the cytokine sets, on random sets and as it is: CV and holdout AUC."""
    rows = [[r["model"], f"{r['cv_roc_auc_mean']:.3f} ± {r['cv_roc_auc_sd']:.3f}",
             f"{r['holdout_roc_auc']:.3f} [{r['holdout_roc_auc_ci_low']:.3f}, "
             f"{r['holdout_roc_auc_ci_high']:.3f}]", f"{r['fit_time_mean']:.2f}"]
            for r in results["prior_gene_sets"]["table"]]
    return _list_table(["Model", "CV ROC AUC", "Holdout ROC AUC", "Fit time (s)"], rows)


def prior_sets_verdict(results):
    """Whether the cytokine sets beat their control, with the numbers that decide it."""
    p = results["prior_gene_sets"]
    return [
        f"* The cytokine sets beat the random sets by more than the larger CV SD: "
        f"{_verdict(p['beats_random_sets_by_more_than_spread'])} (CV AUC gap "
        f"{p['cv_gap_to_random_sets']:+.3f}, larger SD {p['cv_spread']:.3f}).",
        f"* The cytokine sets are not below the default model by more than 0.005 CV AUC: "
        f"{_verdict(p['not_below_default_by_more_than_0.005'])} (difference "
        f"{p['cv_difference_to_default']:+.3f}).",
        "",
    ]


def _verdict(ok):
    return "met" if ok else "**missed**"


def targets_list(results):
    """The project's targets for the full run, met or missed."""
    t = results["targets"]
    low, high = t["holdout_auc_difference_ci"]
    return [
        f"* GeneCytNet CV ROC AUC at least 0.95: {_verdict(t['cv_auc_at_least_0.95'])}.",
        f"* GeneCytNet holdout ROC AUC at least 0.95: "
        f"{_verdict(t['holdout_auc_at_least_0.95'])}.",
        f"* Not below the best baseline (``{t['best_baseline']}``, chosen by CV AUC) by "
        f"more than the spread: {_verdict(t['cv_not_below_best_by_more_than_spread'])} "
        f"(best baseline's CV AUC minus GeneCytNet's {t['cv_gap_to_best_baseline']:+.3f}, "
        f"spread {t['cv_spread']:.3f}; holdout AUC, GeneCytNet minus the best baseline, "
        f"{t['holdout_auc_difference_vs_best']:+.3f}, paired "
        f"bootstrap 95% interval [{low:+.3f}, {high:+.3f}]).",
        f"* Perturbation effects in the planted order IL-6 > TNF > IL-1β: "
        f"{_verdict(t['effects_in_planted_order'])}.",
        f"* Every effect positive with a 95% interval excluding 0: "
        f"{_verdict(t['effects_positive_ci_excludes_0'])}.",
        f"* Every effect above its size-matched null: {_verdict(t['effects_above_null'])}.",
        "",
    ]


def run_description(results, provenance=PROVENANCE):
    """When, how and with what the recorded run was made."""
    packages = results["environment"]["packages"]
    versions = ", ".join(f"{name} {packages[name]}" for name in
                         ("skgenecyt", "torch", "scikit-learn", "skorch") if name in packages)
    command = " ".join(["skgenecyt", *results["command"][1:]])
    cohort = results["cohort"]
    description = [
        f"Recorded run: ``{command}`` on {results['created'][:10]} "
        f"(UTC), random state {results['random_state']}, on a machine with "
        f"{results['environment']['cpu_count']} CPU cores; wall time "
        f"{results['wall_time_s'] / 60:.1f} minutes. Versions: {versions}. Cohort: "
        f"{cohort['n_train']} training and {cohort['n_holdout']} holdout samples, "
        f"{cohort['n_genes']:,} genes.",
        "",
    ]
    return [*description, *_provenance(provenance)]


def _provenance(path):
    path = Path(path)
    if not path.is_file():
        return []
    record = json.loads(path.read_text(encoding="utf-8"))
    return [f"Source: commit ``{record['commit']}``. {record.get('note', '')}".strip(), ""]


def figures(folder=RESULTS.parent):
    """Figure directives for the run's PNGs that are present."""
    lines = []
    for name, caption in FIGURES:
        if (Path(folder) / name).is_file():
            lines += [f".. figure:: reproduction/{name}", "   :width: 80%", "",
                      f"   {caption}", ""]
    return lines


def render_paper() -> str:
    """The table of the paper's published numbers, included by ``reproduction.rst``."""
    return "\n".join(_list_table(["Quantity", "Paper"], paper_rows(), widths=(60, 40)))


def render(results=None) -> str:
    """The reStructuredText included by ``reproduction.rst``."""
    if results is None:
        results = load_results()
    if results is None:
        return "\n".join([
            ".. warning::",
            "",
            "   Placeholder: no full ``skgenecyt reproduce`` run is recorded in",
            "   ``docs/reproduction/`` yet, so this page shows the paper's numbers only.",
            "",
        ])
    lines = []
    if results.get("quick"):
        lines += [".. warning::", "",
                  "   The recorded run is a ``--quick`` smoke test; its numbers are not",
                  "   comparable with the paper's.", ""]
    lines += run_description(results)
    lines += ["Classification", "--------------", ""]
    lines += ["Holdout: point estimate [95% bootstrap interval over the holdout "
              "samples]; cross-validation: mean ± SD over the folds (identical folds "
              "for every model). The paper does not say what its ± measures.", ""]
    lines += benchmark_table(results)
    if "prior_gene_sets" in results:
        lines += ["Prior gene sets and their control", "---------------------------------", ""]
        lines += ["GeneCytNet guided by the built-in IL-6, TNF and IL-1β gene sets "
                  "(``gene_sets=\"cytokine\"``), the same model on random gene sets of the "
                  "same sizes matched in expression "
                  "(:func:`~skgenecyt.datasets.random_gene_sets`), and the default model, "
                  "on the same folds and holdout (see :ref:`knowledge_guided`).", ""]
        lines += prior_sets_table(results)
        lines += prior_sets_verdict(results)
    lines += ["Cytokine perturbation", "---------------------", ""]
    lines += ["Mean change in P(RA) over the holdout samples when every gene of the "
              "module is shifted up by one training SD, with its 95% bootstrap "
              "interval and the empirical p-value against size-matched random gene "
              "sets.", ""]
    lines += effects_table(results)
    if figures():
        lines += ["Figures", "-------", ""]
        lines += figures()
    lines += ["Targets", "-------", ""]
    lines += targets_list(results)
    return "\n".join(lines)
