"""The control for prior knowledge: GeneCytNet on prior gene sets and on random sets.

A model guided by gene sets can look better only because it reads a few more
genes. The comparison puts three GeneCytNet models on identical splits: the
default, the same model guided by the prior sets (in ``reproduce`` the
built-in cytokine sets, ``gene_sets="cytokine"``) and guided by random sets
of the same sizes matched in expression
(:func:`~skgenecyt.datasets.random_gene_sets`). ``reproduce`` and
``benchmark_report(gene_sets=...)`` show it.
"""

from __future__ import annotations

from skgenecyt.datasets import random_gene_sets
from skgenecyt.report._document import Bullets, Heading, Paragraph, Table
from skgenecyt.report._tables import fmt, mean_sd, with_ci

#: The default model's name in a benchmark, and that of the control.
DEFAULT, RANDOM = "GeneCytNet", "GeneCytNet, random sets"


def prior_set_models(gene_sets, X_train, random_state, genecytnet_params=None, *,
                     label="prior"):
    """The guided model (``"GeneCytNet, <label> sets"``) and its control, unfitted.

    The random sets come from ``X_train``: the draw reads only the genes'
    means and variances there, never labels.
    """
    from skgenecyt.pipeline import make_genecytnet

    params = genecytnet_params or {}
    control = random_gene_sets(gene_sets, X_train, random_state=random_state)
    return {
        f"GeneCytNet, {label} sets": make_genecytnet(random_state=random_state, gene_sets=gene_sets,
                                            **params),
        RANDOM: make_genecytnet(random_state=random_state, gene_sets=control, **params),
    }


def prior_set_comparison(table, guided_models):
    """``{"table": rows, **verdict}``: the default, guided and random-set models' rows.

    ``guided_models`` is what :func:`prior_set_models` returned; ``table``
    holds their benchmark rows and the default model's. The verdict: whether
    the guided model beats the random sets by more than the larger of their
    CV SDs, and is not below the default by more than 0.005 in CV AUC.
    """
    guided = next(iter(guided_models))
    columns = ["model", "cv_roc_auc_mean", "cv_roc_auc_sd", "holdout_roc_auc",
               "holdout_roc_auc_ci_low", "holdout_roc_auc_ci_high", "fit_time_mean"]
    rows = table.set_index("model").loc[[DEFAULT, guided, RANDOM]].reset_index()
    rows = rows[[c for c in columns if c in rows]]
    by = rows.set_index("model")
    gap = by.loc[guided, "cv_roc_auc_mean"] - by.loc[RANDOM, "cv_roc_auc_mean"]
    spread = max(by.loc[guided, "cv_roc_auc_sd"], by.loc[RANDOM, "cv_roc_auc_sd"])
    versus_default = by.loc[guided, "cv_roc_auc_mean"] - by.loc[DEFAULT, "cv_roc_auc_mean"]
    return {
        "table": rows,
        "cv_gap_to_random_sets": float(gap),
        "cv_spread": float(spread),
        "beats_random_sets_by_more_than_spread": bool(gap > spread),
        "cv_difference_to_default": float(versus_default),
        "not_below_default_by_more_than_0.005": bool(versus_default >= -0.005),
    }


def prior_set_blocks(verdict, *, described="the prior gene sets"):
    """The report section: the three models' table (``verdict["table"]``) and what it says."""
    rows = verdict["table"]
    holdout = "holdout_roc_auc" in rows
    lines = [
        [r.model, mean_sd(r.cv_roc_auc_mean, r.cv_roc_auc_sd),
         *([with_ci(r.holdout_roc_auc, r.holdout_roc_auc_ci_low, r.holdout_roc_auc_ci_high)]
           if holdout else []),
         fmt(r.fit_time_mean, digits=2)]
        for r in rows.itertuples()
    ]

    def mark(ok):
        return "yes" if ok else "NO"

    return [
        Heading("Prior gene sets and their control"),
        Paragraph(
            f"GeneCytNet guided by {described} (one node per set beside the latent "
            "factors), the same model on random gene sets of the same sizes matched in mean "
            "expression and variance, and the default model, on identical splits."),
        Table(["Model", "CV AUC", *(["Holdout AUC"] if holdout else []), "Fit time (s)"],
              lines, caption="CV: mean ± SD over splits; holdout: point estimate [95% "
                             "bootstrap interval]; fit time: mean over the CV fits."),
        Bullets([
            f"The prior sets beat the random sets by more than the spread: "
            f"{mark(verdict['beats_random_sets_by_more_than_spread'])} (CV AUC gap "
            f"{fmt(verdict['cv_gap_to_random_sets'], signed=True)}, larger CV SD "
            f"{fmt(verdict['cv_spread'])}).",
            f"The prior sets not below the default by more than 0.005 CV AUC: "
            f"{mark(verdict['not_below_default_by_more_than_0.005'])} (difference "
            f"{fmt(verdict['cv_difference_to_default'], signed=True)}).",
        ]),
    ]
