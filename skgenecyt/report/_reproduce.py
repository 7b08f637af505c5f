"""reproduce(): the paper's experiment on the built-in synthetic cohort, as a report."""

from __future__ import annotations

import dataclasses
import os
from numbers import Integral

import numpy as np
import pandas as pd

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.datasets import make_ra_cohort
from skgenecyt.model_selection import benchmark, default_baselines
from skgenecyt.perturbation import perturbation_effects
from skgenecyt.report._document import Bullets, Heading, Paragraph, Table
from skgenecyt.report._paper import MODULES, PAPER
from skgenecyt.report._perturbation_summary import perturbation_summary
from skgenecyt.report._prior_sets import prior_set_blocks, prior_set_comparison, prior_set_models
from skgenecyt.report._results import estimator_params
from skgenecyt.report._sections import (
    benchmark_blocks,
    model_blocks,
    perturbation_figure_blocks,
)
from skgenecyt.report._skeleton import Report
from skgenecyt.report._tables import effects_table, fmt, mean_sd, with_ci


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that sizes a reproduce run."""

    cohort: dict = dataclasses.field(default_factory=dict)  # make_ra_cohort keyword arguments
    genecytnet: dict = dataclasses.field(default_factory=dict)  # make_genecytnet parameters
    cv: int = 5
    n_bootstrap: int = 1000
    n_null: int = 200  # null gene sets of the perturbation test, every model
    doses: tuple = tuple(np.round(np.linspace(-2.0, 2.0, 9), 2))


#: The paper's design: 240 RA + 120 controls, holdout 100 + 50, 15,000 genes.
FULL = Settings()

#: A small cohort and short training, for smoke tests: same steps, same outputs.
QUICK = Settings(
    cohort={"n_ra": 60, "n_control": 30, "n_holdout_ra": 40, "n_holdout_control": 20,
            "n_genes": 2000},
    genecytnet={"vae__max_epochs": 15, "gat__max_epochs": 15},
    cv=3, n_bootstrap=200, n_null=20, doses=(-1.0, 0.0, 1.0),
)


@validate_params(
    {
        "out": [str, os.PathLike],
        "quick": ["boolean"],
        "force": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "settings": [Settings, None],
    },
    # The settings reach make_ra_cohort and the models: their own checks stay on.
    prefer_skip_nested_validation=False,
)
def reproduce(out, *, quick=False, force=False, random_state=0, n_jobs=None, verbose=1,
              settings=None):
    """Reproduce the paper's experiment on the built-in synthetic cohort.

    Generates the default cohort (:func:`~skgenecyt.make_ra_cohort`: 240 RA
    + 120 controls for training, an independent holdout of 100 + 50, 15,000
    genes), compares GeneCytNet with :func:`~skgenecyt.default_baselines` by
    stratified 5-fold cross-validation on the training cohort (identical
    splits) and on the holdout (models fitted on the whole training cohort),
    then measures with every model how shifting the IL-6, TNF and IL-1β
    modules up by one SD changes P(RA) on the holdout
    (:func:`~skgenecyt.perturbation_effects`). The outputs are
    written to ``out``:

    ``report.md``, ``report.html``
        The report (the HTML embeds its figures), the paper's numbers
        beside ours and the targets met or missed.
    ``benchmark.csv``, ``cv_results.csv``, ``holdout_predictions.csv``
        One row per model; one per model and split; the holdout scores.
    ``perturbation_effects.csv``, ``dose_response.csv``
        Effects of every model; GeneCytNet's dose-response curves.
    ``cv_auc.png``, ``roc_holdout.png``, ``perturbation_effects.png``,
    ``dose_response.png``
        The figures.
    ``results.json``
        Every number, the exact model parameters, the seeds, the package
        versions and the run time.

    Nothing is written until everything is computed, files are moved into
    place atomically, and an interrupted run leaves ``out`` as it was.

    Torch runs on one thread per process during the run: GeneCytNet's
    networks are small, and several threads per tiny operation mostly wait
    for each other (many times slower on a busy machine). Use ``n_jobs`` to
    run fits and perturbation predictions in parallel instead.

    Parameters
    ----------
    out : str or path
        Output folder; created if needed. A folder that holds files is
        refused unless ``force=True``.
    quick : bool, default=False
        A reduced run (90 + 60 samples, 2,000 genes, 3 folds, short
        training, fewer bootstrap and null draws) for smoke tests. Its numbers
        are not comparable with the paper's.
    force : bool, default=False
        Overwrite the files this run writes in a non-empty ``out`` (other
        files there are left alone).
    random_state : int, default=0
        Seeds the cohort, the splits, every model and the resampling.
    n_jobs : int or None, default=None
        Fits run in parallel by joblib (see :func:`~skgenecyt.benchmark`).
    verbose : int, default=1
        Progress lines on stderr; 0 for silence.
    settings : Settings, default=None
        Overrides the run's sizes (``FULL`` or ``QUICK`` otherwise).

    Returns
    -------
    results : dict
        The content of ``results.json``.
    """
    from skgenecyt.pipeline import make_genecytnet

    settings = settings or (QUICK if quick else FULL)
    with Report("reproduce", out, force=force, verbose=verbose, random_state=random_state,
                mode={"quick": quick}) as report:
        with report.step("generating the synthetic cohort"):
            cohort = make_ra_cohort(random_state=random_state, **settings.cohort)
        models = {"GeneCytNet": make_genecytnet(random_state=random_state,
                                                **settings.genecytnet),
                  **default_baselines(random_state=random_state)}
        n_fits = len(models) * (settings.cv + 1)
        with report.step(f"benchmark: {len(models)} models, {settings.cv}-fold CV and "
                         f"holdout ({n_fits} fits)"):
            table, details = benchmark(
                models, cohort.X, cohort.y, cohort.X_holdout, cohort.y_holdout,
                cv=settings.cv, n_bootstrap=settings.n_bootstrap, random_state=random_state,
                n_jobs=n_jobs, return_details=True, verbose=verbose,
            )
        guided = prior_set_models("cytokine", cohort.X, random_state, settings.genecytnet,
                                  label="cytokine")
        with report.step(f"prior gene sets: GeneCytNet on the cytokine sets and on random "
                         f"sets, the same splits ({len(guided) * (settings.cv + 1)} fits)"):
            guided_table = benchmark(
                guided, cohort.X, cohort.y, cohort.X_holdout, cohort.y_holdout,
                cv=details.splits, n_bootstrap=settings.n_bootstrap,
                random_state=random_state, n_jobs=n_jobs, verbose=verbose,
            )
            prior_sets = prior_set_comparison(pd.concat([table, guided_table]), guided)
        effects, summary = {}, None
        for name, model in details.estimators.items():
            with report.step(f"perturbation effects of {name}"):
                kwargs = dict(modules={m: cohort.modules[m] for m in MODULES},
                              X_train=cohort.X, y_train=cohort.y,
                              n_bootstrap=settings.n_bootstrap, n_null=settings.n_null,
                              random_state=random_state, n_jobs=n_jobs)
                if name == "GeneCytNet":
                    summary = perturbation_summary(
                        model, cohort.X_holdout, cohort.y_holdout, doses=settings.doses,
                        reference={m: PAPER["effects"][m] for m in MODULES}, **kwargs)
                    effects[name] = summary.effects
                else:
                    effects[name] = perturbation_effects(
                        model, cohort.X_holdout, cohort.y_holdout, **kwargs)

        with report.step("writing the report"):
            targets = _targets(table, details, effects.get("GeneCytNet"), quick)
            blocks = _intro(cohort, settings, quick, random_state)
            blocks += _comparison_blocks(table, effects.get("GeneCytNet"), targets, quick)
            blocks += benchmark_blocks(table, details, report.stage,
                                       cv_reference=("paper", *PAPER["cv_roc_auc"]))
            blocks += prior_set_blocks(
                prior_sets, described="the built-in IL-6, TNF and IL-1β gene sets")
            blocks += _perturbation_blocks(effects, summary, report.stage)
            blocks += model_blocks()
            results = report.results({
                "seeds": {"cohort": random_state, "models": random_state,
                          "benchmark": details.seeds, "perturbation": random_state},
                "settings": dataclasses.asdict(settings),
                "cohort": {"n_train": len(cohort.y), "n_holdout": len(cohort.y_holdout),
                           "n_genes": cohort.X.shape[1],
                           "module_effects": cohort.module_effects,
                           "module_sizes": {m: len(g) for m, g in cohort.modules.items()}},
                "models": {name: estimator_params(m)
                           for name, m in {**models, **guided}.items()},
                "benchmark": table, "cv_results": details.cv_results,
                "splits": [test for _, test in details.splits],
                "holdout_predictions": details.holdout_predictions.reset_index(
                    names="sample"),
                "perturbation_effects": {n: e for n, e in effects.items()},
                "dose_response": summary.dose_response if summary is not None else None,
                "prior_gene_sets": prior_sets,
                "paper": PAPER, "targets": targets,
            })
            command = ("skgenecyt reproduce --out DIR" + (" --quick" if quick else "")
                       + f" --random-state {random_state}")
            title = "GeneCytNet reproduction" + (" (quick run)" if quick else "")
            report.publish(title, blocks, results, command=command)
    return results


# -- targets ---------------------------------------------------------------------------------

def _targets(table, details, effects, quick):
    """The issue's quality targets, each with the numbers that decide it."""
    rows = table.set_index("model")
    ours = rows.loc["GeneCytNet"]
    baselines = rows.drop(index="GeneCytNet")
    best = baselines["cv_roc_auc_mean"].idxmax()
    cv_gap = float(baselines.loc[best, "cv_roc_auc_mean"] - ours["cv_roc_auc_mean"])
    cv_spread = float(max(baselines.loc[best, "cv_roc_auc_sd"], ours["cv_roc_auc_sd"]))
    boot = details.holdout_bootstrap
    diff = (boot["GeneCytNet"]["roc_auc"] - boot[best]["roc_auc"]).to_numpy()
    targets = {
        "applies": not quick,
        "best_baseline": best,
        "cv_auc_at_least_0.95": bool(ours["cv_roc_auc_mean"] >= 0.95),
        "holdout_auc_at_least_0.95": bool(ours["holdout_roc_auc"] >= 0.95),
        "cv_gap_to_best_baseline": cv_gap,
        "cv_spread": cv_spread,
        "cv_not_below_best_by_more_than_spread": bool(cv_gap <= cv_spread),
        "holdout_auc_difference_vs_best": float(ours["holdout_roc_auc"]
                                                - baselines.loc[best, "holdout_roc_auc"]),
        "holdout_auc_difference_ci": [float(np.nanquantile(diff, 0.025)),
                                      float(np.nanquantile(diff, 0.975))],
    }
    if effects is not None:
        by_module = effects.set_index("module")
        means = [float(by_module.loc[m, "delta_mean"]) for m in MODULES]
        targets["effects_in_planted_order"] = bool(means[0] > means[1] > means[2])
        targets["effects_positive_ci_excludes_0"] = bool(
            all(by_module.loc[m, "ci_low"] > 0 for m in MODULES))
        targets["effects_above_null"] = bool(all(
            by_module.loc[m, "delta_mean"] > by_module.loc[m, "null_high"]
            and by_module.loc[m, "p_value"] < 0.05 for m in MODULES))
    return targets


# -- report blocks ----------------------------------------------------------------------------

def _intro(cohort, settings, quick, random_state):
    n_ra, n_ctl = int((cohort.y == 1).sum()), int((cohort.y == 0).sum())
    h_ra, h_ctl = int((cohort.y_holdout == 1).sum()), int((cohort.y_holdout == 0).sum())
    blocks = []
    if quick:
        blocks.append(Paragraph(
            "QUICK RUN: a reduced cohort, short training and fewer resamples, meant as a "
            "smoke test. Its numbers are not comparable with the paper's; run "
            "`skgenecyt reproduce` without --quick for the real comparison."))
    effects = ", ".join(f"{m} {v:g}" for m, v in cohort.module_effects.items())
    blocks.append(Paragraph(
        f"Synthetic cohort from make_ra_cohort(random_state={random_state}): training "
        f"{n_ra} RA + {n_ctl} controls, independent holdout {h_ra} RA + {h_ctl} controls, "
        f"{cohort.X.shape[1]:,} genes; planted cytokine effects (SD of the latent activity) "
        f"{effects}. Every model is evaluated by stratified {settings.cv}-fold "
        "cross-validation on the training cohort (the same splits for every model) and, "
        "fitted on the whole training cohort, on the holdout."))
    return blocks


def _comparison_blocks(table, effects, targets, quick):
    rows = table.set_index("model")
    ours, best = rows.loc["GeneCytNet"], targets["best_baseline"]
    theirs = rows.loc[best]

    def paper(key):
        value, pm = PAPER[key]
        return mean_sd(value, pm)

    lines = [
        ["Holdout AUC", paper("holdout_roc_auc"),
         with_ci(ours["holdout_roc_auc"], ours["holdout_roc_auc_ci_low"],
                 ours["holdout_roc_auc_ci_high"]),
         with_ci(theirs["holdout_roc_auc"], theirs["holdout_roc_auc_ci_low"],
                 theirs["holdout_roc_auc_ci_high"])],
        ["Holdout accuracy", paper("holdout_accuracy"), fmt(ours["holdout_accuracy"]),
         fmt(theirs["holdout_accuracy"])],
        ["Holdout F1", paper("holdout_f1"), fmt(ours["holdout_f1"]), fmt(theirs["holdout_f1"])],
        ["CV AUC", paper("cv_roc_auc"), mean_sd(ours["cv_roc_auc_mean"], ours["cv_roc_auc_sd"]),
         mean_sd(theirs["cv_roc_auc_mean"], theirs["cv_roc_auc_sd"])],
    ]
    if effects is not None:
        by_module = effects.set_index("module")
        for module, label in MODULES.items():
            value, pm = PAPER["effects"][module]
            r = by_module.loc[module]
            lines.append([f"{label} module +1 SD: change in P(RA)",
                          mean_sd(value, pm, digits=2, signed=True),
                          mean_sd(r["delta_mean"], r["delta_se"], signed=True), "see below"])
    blocks = [
        Heading("The paper's numbers beside ours"),
        Table(["Quantity", "Paper", "GeneCytNet (this run)", f"Best baseline ({best})"], lines,
              caption="Holdout: point estimate [95% bootstrap interval over holdout rows]; "
                      "CV: mean ± SD over splits; perturbation: mean ± bootstrap SE. The "
                      "paper does not say what its ± measures. The best baseline is chosen "
                      "by CV AUC on the training cohort, not on the holdout."),
    ]
    verdict = _verdicts(targets)
    if quick:
        verdict.insert(0, "Quick run: the targets are meant for the full run; shown for "
                          "information only.")
    blocks += [Heading("Targets", level=3), Bullets(verdict)]
    return blocks


def _verdicts(t):
    def mark(ok):
        return "met" if ok else "MISSED"

    lo, hi = t["holdout_auc_difference_ci"]
    items = [
        f"GeneCytNet CV AUC >= 0.95: {mark(t['cv_auc_at_least_0.95'])}.",
        f"GeneCytNet holdout AUC >= 0.95: {mark(t['holdout_auc_at_least_0.95'])}.",
        f"Not below the best baseline ({t['best_baseline']}) by more than the spread: "
        f"{mark(t['cv_not_below_best_by_more_than_spread'])} (CV AUC gap "
        f"{fmt(t['cv_gap_to_best_baseline'], signed=True)}, spread (larger CV SD) "
        f"{fmt(t['cv_spread'])}; holdout AUC difference GeneCytNet - {t['best_baseline']} "
        f"{fmt(t['holdout_auc_difference_vs_best'], signed=True)}, paired bootstrap 95% "
        f"interval [{fmt(lo, signed=True)}, {fmt(hi, signed=True)}]).",
    ]
    if "effects_in_planted_order" in t:
        items += [
            f"Perturbation effects in the planted order IL-6 > TNF > IL-1β: "
            f"{mark(t['effects_in_planted_order'])}.",
            f"Each effect positive with a 95% CI excluding 0: "
            f"{mark(t['effects_positive_ci_excludes_0'])}.",
            f"Each effect above the size-matched null (beyond its range, p < 0.05): "
            f"{mark(t['effects_above_null'])}.",
        ]
    return items


def _perturbation_blocks(effects, summary, stage):
    import pandas as pd

    frame = pd.concat([e.assign(model=name) for name, e in effects.items()],
                      ignore_index=True)
    stage.write_text("perturbation_effects.csv", frame.to_csv(index=False))
    blocks = [
        Heading("In-silico cytokine perturbation"),
        Paragraph(
            "Protocol: on the holdout samples, the genes of one module are shifted up by one "
            "standard deviation (learned on the training cohort) and the change in each "
            "model's predicted P(RA) is averaged over samples. The 95% CI comes from "
            "bootstrap resamples of the per-sample changes; the null shifts random gene sets "
            "of the module's size, matched on expression level and drawn outside the module, "
            "and gives the p-value. Every model was fitted on the whole training cohort."),
        effects_table(effects),
    ]
    if summary is not None:
        blocks += perturbation_figure_blocks(summary, stage, {
            "forest": "GeneCytNet: change in P(RA) per module (95% CI), the null range of "
                      "random gene sets (grey) and the paper's values (diamonds).",
            "dose_response": "GeneCytNet: mean change in P(RA) against the shift of each "
                             "module (SD units).",
        })
    return blocks
