"""benchmark_report: flags, the small-cohort note, held-out cohorts against within-cohort CV."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

from skgenecyt import make_ra_studies
from skgenecyt.report import benchmark_report
from skgenecyt.report._benchmark_notes import (
    SMALL_CLASS_SAMPLES,
    SMALL_COHORT_SAMPLES,
    benchmark_notes,
    within_gaps,
)


@pytest.fixture(scope="module")
def studies():
    return make_ra_studies(n_studies=3, n_samples=20, n_genes=400, random_state=0)


def test_flags_and_the_small_cohort_note_reach_the_report(fast_benchmark_models, studies, tmp_path):
    X, y = studies.X, studies.y
    results = benchmark_report(X, y, tmp_path / "r", cv=3, verbose=0)
    flagged, small = results["notes"]
    assert flagged.startswith("Flagged results: dummy (constant scores in 3/3 splits; one "
                              "class predicted in 3/3 splits).")
    assert "GeneCytNet" not in flagged
    assert small.startswith("The training data are small: 60 samples, 23 in the smaller class")
    assert "GridSearchCV inside cross_val_score" in small
    assert "groups=" in small  # points to holding studies out
    report = (tmp_path / "r" / "report.md").read_text()
    assert "| Model | CV AUC | CV Accuracy | CV F1 | Fit time per split (s) | Flags |" in report
    assert "| none |" in report
    assert "- " + flagged in report
    table = pd.read_csv(tmp_path / "r" / "benchmark.csv", keep_default_na=False)
    assert table.columns[-1] == "flags"
    assert table.set_index("model").loc["GeneCytNet", "flags"] == ""
    saved = json.loads((tmp_path / "r" / "results.json").read_text())
    assert saved["notes"] == results["notes"]
    assert saved["data"]["pos_label"] == 1
    assert "group_results" not in saved


def test_cohorts_held_out_beside_within_cohort_cv(fast_benchmark_models, studies, tmp_path):
    out = tmp_path / "r"
    benchmark_report(studies.X, studies.y, out, groups=studies.groups, cv=3, verbose=0)
    results = json.loads((out / "results.json").read_text())
    for name in ("group_results.csv", "within_results.csv", "cohort_scores.png", "cv_auc.png",
                 "cv_results.csv", "benchmark.csv"):
        assert (out / name).stat().st_size > 0, name
    report = (out / "report.md").read_text()
    assert "## Held-out cohorts" in report
    assert "## Cross-validation within the cohorts" in report
    assert "| Held-out cohort | Samples | RA share | AUC GeneCytNet | AUC dummy |" in report
    assert "| GSESIM1 | 20 | 0.85 |" in report
    assert "3 cohorts: GSESIM1 (20 samples, RA share 0.85)" in report
    assert [c["cohort"] for c in results["cohorts"]] == ["GSESIM1", "GSESIM2", "GSESIM3"]
    assert len(results["group_results"]) == 6
    assert len(results["within_results"]) == 6
    # the small-cohort note points to the held-out cohorts, and the comparison is made
    assert any("held-out cohort results are the better guide" in n for n in results["notes"])
    assert any(n.startswith("Cross-validation within the cohorts") for n in results["notes"])
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2


def _table(within, held_out, scoring=("roc_auc",)):
    """A benchmark table and details with the given (mean, sd) per model."""
    rows = [{"model": name, "within_roc_auc_mean": w[0], "within_roc_auc_sd": w[1],
             "cv_roc_auc_mean": h[0], "cv_roc_auc_sd": h[1], "flags": ""}
            for name, w, h in zip(("a", "b"), within, held_out)]
    details = Bunch(within_results=pd.DataFrame(), group_results=pd.DataFrame(),
                    scoring=scoring, class_counts={0: 200, 1: 200})
    return pd.DataFrame(rows), details


def test_within_cohort_cv_more_optimistic_than_its_spread_is_named():
    table, details = _table(within=[(1.0, 0.0), (0.90, 0.08)],
                            held_out=[(0.86, 0.05), (0.85, 0.02)])
    gaps = within_gaps(table, details)
    np.testing.assert_allclose(gaps["gap"], [0.14, 0.05])
    np.testing.assert_allclose(gaps["spread"], [0.05, 0.08])
    (note,) = benchmark_notes(table, details)
    assert note.startswith("Cross-validation within the cohorts is more optimistic than "
                           "holding cohorts out, by more than the larger SD of the two, for: "
                           "a (AUC 1.000 ± 0.000 within the cohorts, 0.860 ± 0.050 on "
                           "held-out cohorts).")
    assert "b (" not in note  # a gap within the spread is not a disagreement
    table, details = _table(within=[(0.90, 0.08), (0.90, np.nan)],
                            held_out=[(0.85, 0.02), (0.95, np.nan)])
    assert benchmark_notes(table, details) == [
        "Cross-validation within the cohorts and the held-out cohorts agree within their "
        "spread (AUC) for every model."]


@pytest.mark.parametrize(("counts", "small"), [
    ({0: 50, 1: 50}, False),
    ({0: SMALL_CLASS_SAMPLES, 1: SMALL_COHORT_SAMPLES - SMALL_CLASS_SAMPLES}, False),
    ({0: 49, 1: 50}, True),
    ({0: SMALL_CLASS_SAMPLES - 1, 1: 300}, True),
])
def test_small_cohort_threshold(counts, small):
    table = pd.DataFrame({"model": ["a"], "flags": [""]})
    details = Bunch(within_results=None, group_results=None, scoring=("roc_auc",),
                    class_counts=counts)
    notes = benchmark_notes(table, details)
    assert bool(notes) == small
    if small:
        assert f"{sum(counts.values())} samples, {min(counts.values())} in the smaller" in (
            notes[0])


def test_gene_sets_add_the_guided_model_and_its_random_set_control(monkeypatch, tmp_path):
    from sklearn.dummy import DummyClassifier

    import skgenecyt.pipeline
    import skgenecyt.report._benchmark_report as module
    from skgenecyt import make_ra_cohort

    original = skgenecyt.pipeline.make_genecytnet
    monkeypatch.setattr(skgenecyt.pipeline, "make_genecytnet",
                        lambda random_state=None, **params: original(
                            random_state, vae__max_epochs=5, gat__max_epochs=5, n_members=1,
                            **params))
    monkeypatch.setattr(module, "default_baselines",
                        lambda random_state=None: {"dummy": DummyClassifier()})
    cohort = make_ra_cohort(n_ra=24, n_control=16, n_genes=300, random_state=0)
    benchmark_report(cohort.X, cohort.y, tmp_path / "out", cv=3, verbose=0,
                     gene_sets="cytokine")
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    models = [row["model"] for row in results["benchmark"]]
    assert models == ["GeneCytNet", "GeneCytNet, prior sets", "GeneCytNet, random sets",
                      "dummy"]
    guided = dict(results["models"]["GeneCytNet, prior sets"]["params"]["steps"])
    assert guided["features"]["params"]["gene_sets"] == "cytokine"
    control = dict(results["models"]["GeneCytNet, random sets"]["params"]["steps"])
    random_sets = control["features"]["params"]["gene_sets"]
    assert set(random_sets) == {"IL6", "TNF", "IL1B"}
    prior = results["prior_gene_sets"]
    assert [row["model"] for row in prior["table"]] == models[:3]
    cv = {row["model"]: (row["cv_roc_auc_mean"], row["cv_roc_auc_sd"])
          for row in results["benchmark"]}
    gap = cv["GeneCytNet, prior sets"][0] - cv["GeneCytNet, random sets"][0]
    assert prior["cv_gap_to_random_sets"] == pytest.approx(gap)
    spread = max(cv["GeneCytNet, prior sets"][1], cv["GeneCytNet, random sets"][1])
    assert prior["beats_random_sets_by_more_than_spread"] == (gap > spread)
    assert "Prior gene sets and their control" in (tmp_path / "out" / "report.md").read_text()
