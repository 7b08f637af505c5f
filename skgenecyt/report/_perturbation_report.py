"""perturbation_report(): cytokine perturbation effects of a user's fitted model."""

from __future__ import annotations

import os

from skgenecyt._sklearn_compat import HasMethods, validate_params
from skgenecyt.report._document import Heading, Paragraph, Table
from skgenecyt.report._perturbation_summary import perturbation_summary
from skgenecyt.report._results import estimator_params
from skgenecyt.report._sections import perturbation_figure_blocks
from skgenecyt.report._skeleton import Report
from skgenecyt.report._tables import effects_table


@validate_params(
    {
        "estimator": [HasMethods(["predict_proba"])],
        "X": ["array-like"],
        "out": [str, os.PathLike],
        "shifts": ["array-like"],
        # Passed on to perturbation_summary, which validates them (nested validation
        # stays on, and errors name perturbation_report).
        **dict.fromkeys(("y", "modules", "on", "n_bootstrap", "n_null", "random_state"),
                        "no_validation"),
        "force": ["boolean"],
        "verbose": ["verbose"],
        "sources": [dict, None],
    },
    prefer_skip_nested_validation=False,
)
def perturbation_report(estimator, X, out, *, y=None, modules=None, shifts=(1.0,), on="all",
                        n_bootstrap=1000, n_null=200, random_state=0, force=False, verbose=1,
                        sources=None):
    """Perturbation effects of a fitted classifier on a cohort, written as a report.

    Runs :func:`~skgenecyt.report.perturbation_summary` (effects with
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
        As in :func:`~skgenecyt.perturbation_effects`.
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
    with Report("perturbation", out, force=force, verbose=verbose, random_state=random_state,
                provenance={"sources": sources}) as report:
        with report.step("perturbation effects"):
            summary = perturbation_summary(
                estimator, X, y, modules=modules, shifts=shifts, on=on,
                n_bootstrap=n_bootstrap, n_null=n_null, random_state=random_state,
            )
        with report.step("writing the report"):
            stage = report.stage
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
            blocks += perturbation_figure_blocks(summary, stage, {
                "forest": "Change in P(RA) per module (95% CI) and the null range (grey).",
                "dose_response": "Mean change in P(RA) against the shift.",
            })
            results = report.results({
                "seeds": {"benchmark": None, "perturbation": random_state},
                "settings": {"shifts": list(shifts), "on": on, "n_bootstrap": n_bootstrap,
                             "n_null": n_null},
                "model": estimator_params(estimator),
                "coverage": summary.coverage.reset_index(names="module"),
                "perturbation_effects": summary.effects,
                "dose_response": summary.dose_response,
            })
            report.publish("Cytokine perturbation", blocks, results)
    return results


def _coverage_table(coverage):
    rows = [[module, int(r["n_genes"]), int(r["n_found"]), f"{r['coverage']:.0%}"]
            for module, r in coverage.iterrows()]
    return Table(["Module", "Genes", "Found in the data", "Coverage"], rows)
