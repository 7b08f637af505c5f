"""perturbation_report(): cytokine perturbation effects of a user's fitted model."""

from __future__ import annotations

import datetime
import sys
import time

from skgenecyt._training import torch_threads
from skgenecyt.report._document import Heading, Image, Paragraph, Table
from skgenecyt.report._io import StagedFolder
from skgenecyt.report._results import environment, estimator_params
from skgenecyt.report._sections import Progress, reproducibility_blocks, write_documents
from skgenecyt.report._tables import effects_table


def perturbation_report(estimator, X, out, *, y=None, modules=None, shifts=(1.0,), on="all",
                        n_bootstrap=1000, n_null=200, random_state=0, force=False, verbose=1,
                        sources=None):
    """Perturbation effects of a fitted classifier on a cohort, written as a report.

    Runs :func:`~skgenecyt.perturbation.perturbation_summary` (effects with
    bootstrap CIs and a size-matched null, dose-response curves, module
    coverage) and writes ``report.md``, ``report.html``,
    ``perturbation_effects.csv``, ``dose_response.csv``, ``coverage.csv``,
    ``perturbation_effects.png``, ``dose_response.png`` and ``results.json``
    into ``out``, atomically. Gene standard deviations are learned from
    ``X`` itself.

    Parameters
    ----------
    estimator : fitted classifier
        Anything with ``predict_proba`` fitted on the columns of ``X``.
    X : DataFrame
        Samples x genes.
    out : str or path
        Output folder; a folder that holds files is refused unless ``force``.
    y : Series, default=None
        Labels, needed for ``on="ra"`` or ``on="controls"``.
    modules, shifts, on, n_bootstrap, n_null, random_state
        As in :func:`~skgenecyt.perturbation.perturbation_effects`.
    force : bool, default=False
        Overwrite the files this run writes in a non-empty ``out``.
    verbose : int, default=1
        Progress lines on stderr.
    sources : dict, default=None
        Where the model and data came from, recorded in the report.

    Returns
    -------
    results : dict
        The content of ``results.json``.
    """
    from skgenecyt.perturbation import perturbation_summary

    started = time.perf_counter()
    progress = Progress(verbose)
    with StagedFolder(out, force) as stage, torch_threads(1):  # see reproduce()
        with progress.step("perturbation effects"):
            summary = perturbation_summary(
                estimator, X, y, modules=modules, shifts=shifts, on=on,
                n_bootstrap=n_bootstrap, n_null=n_null, random_state=random_state,
            )
        with progress.step("writing the report"):
            stage.write_text("perturbation_effects.csv", summary.effects.to_csv(index=False))
            stage.write_text("coverage.csv", summary.coverage.to_csv(index_label="module"))
            blocks = [Paragraph(
                f"Model {type(estimator).__name__} on {X.shape[0]} samples x {X.shape[1]:,} "
                f"genes; rows perturbed: {on}. Each module's genes are shifted by "
                f"{', '.join(f'{s:g}' for s in shifts)} SD (learned from these samples) and "
                "the change in P(RA) is averaged; 95% bootstrap CI; the null shifts random "
                "gene sets of the same size matched on expression level."
                + (f" Inputs: {sources}." if sources else ""))]
            blocks += [Heading("Module coverage"), _coverage_table(summary.coverage),
                       Heading("Effects"), effects_table({type(estimator).__name__:
                                                          summary.effects})]
            if summary.dose_response is not None:
                stage.write_text("dose_response.csv", summary.dose_response.to_csv(index=False))
            for key, filename, caption in (
                ("forest", "perturbation_effects.png",
                 "Change in P(RA) per module (95% CI) and the null range (grey)."),
                ("dose_response", "dose_response.png", "Mean change in P(RA) against the shift."),
            ):
                if key in summary.figures:
                    png = stage.write_figure(filename, summary.figures[key])
                    blocks.append(Image(filename, caption, png))
            results = {
                "kind": "perturbation",
                "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "command": sys.argv, "sources": sources, "random_state": random_state,
                "seeds": {"benchmark": None, "perturbation": random_state},
                "settings": {"shifts": list(shifts), "on": on, "n_bootstrap": n_bootstrap,
                             "n_null": n_null},
                "model": estimator_params(estimator),
                "coverage": summary.coverage.reset_index(names="module"),
                "perturbation_effects": summary.effects,
                "dose_response": summary.dose_response,
                "environment": environment(),
            }
            results["wall_time_s"] = time.perf_counter() - started
            blocks += reproducibility_blocks(results, " ".join(sys.argv))
            write_documents(stage, "Cytokine perturbation", blocks, results)
            stage.publish()
    progress.say(f"report written to {out} in {time.perf_counter() - started:.0f} s")
    return results


def _coverage_table(coverage):
    rows = [[module, int(r["n_genes"]), int(r["n_found"]), f"{r['coverage']:.0%}"]
            for module, r in coverage.iterrows()]
    return Table(["Module", "Genes", "Found in the data", "Coverage"], rows)
