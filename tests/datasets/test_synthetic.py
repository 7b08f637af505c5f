"""Tests of make_ra_cohort: shapes, determinism, holdout, structure and planted effects."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import make_ra_cohort
from skgenecyt.datasets import load_cytokine_modules
from skgenecyt.datasets._synthetic_population import SEVERITY_SHAPE, TONE_CORRELATION

MODULES = load_cytokine_modules()
N_MODULE_GENES = sum(len(genes) for genes in MODULES.values())
DEFAULT_EFFECTS = {"IL6": 2.5, "TNF": 1.5, "IL1B": 0.75}
SMALL = {"n_genes": 300}


@pytest.fixture(scope="module")
def default_cohort():
    return make_ra_cohort(random_state=0)


@pytest.fixture(scope="module")
def small_cohort():
    return make_ra_cohort(random_state=1, **SMALL)


def module_scores(X, modules):
    """Mean z-scored expression of each module's genes, per sample."""
    Z = (X - X.mean()) / X.std()
    return pd.DataFrame({name: Z[genes].mean(axis=1) for name, genes in modules.items()})


def score_differences(cohort):
    scores = module_scores(cohort.X, cohort.modules)
    ra = cohort.y == 1
    return (scores[ra].mean() - scores[~ra].mean()).to_dict()


def mean_offdiagonal(corr):
    corr = np.asarray(corr)
    return corr[np.triu_indices_from(corr, k=1)].mean()


# --- shapes and defaults --------------------------------------------------------------------


def test_default_shapes_and_fields(default_cohort):
    c = default_cohort
    assert c.X.shape == (360, 15000)
    assert c.X_holdout.shape == (150, 15000)
    assert c.y.value_counts().to_dict() == {1: 240, 0: 120}
    assert c.y_holdout.value_counts().to_dict() == {1: 100, 0: 50}
    assert c.y.name == "RA"
    assert c.y.dtype == np.int64
    assert c.y.index.equals(c.X.index)
    assert c.y_holdout.index.equals(c.X_holdout.index)
    assert (c.X.dtypes == np.float32).all()
    assert c.module_effects == DEFAULT_EFFECTS
    assert set(c) >= {
        "X",
        "y",
        "X_holdout",
        "y_holdout",
        "modules",
        "module_effects",
        "gene_graph",
        "activities",
        "samples",
        "programmes",
        "DESCR",
    }
    assert "240 RA" in c.DESCR
    assert "IL6 2.5" in c.DESCR


def test_sample_ids_and_interleaved_classes(small_cohort):
    c = small_cohort
    assert c.X.index[0] == "S0001"
    assert c.X.index[-1] == "S0360"
    assert c.X_holdout.index[0] == "H0001"
    assert c.X.index.is_unique
    assert not set(c.X.index) & set(c.X_holdout.index)
    # RA and controls are interleaved at random, not in two blocks.
    assert 0 < c.y.iloc[:120].sum() < 120


def test_gene_symbols(small_cohort):
    c = small_cohort
    columns = list(c.X.columns)
    assert len(columns) == len(set(columns)) == 300
    assert columns[:N_MODULE_GENES] == [g for genes in MODULES.values() for g in genes]
    background = columns[N_MODULE_GENES:]
    assert background[0] == "GENE00001"
    assert all(re.fullmatch(r"GENE\d{5}", g) for g in background)
    assert c.modules == MODULES
    assert list(c.X_holdout.columns) == columns


def test_values_are_log2_scale(small_cohort):
    values = small_cohort.X.to_numpy()
    assert values.min() >= 0
    assert values.max() <= 16
    means = small_cohort.X.mean()
    assert means.min() < 5
    assert means.max() > 9
    sds = small_cohort.X.std()
    assert 0.1 < sds.median() < 1.5
    assert sds.nunique() > 250


def test_float64_and_return_X_y():
    c = make_ra_cohort(random_state=3, dtype="float64", **SMALL)
    assert (c.X.dtypes == np.float64).all()
    X, y = make_ra_cohort(random_state=3, return_X_y=True, **SMALL)
    assert X.dtypes.iloc[0] == np.float32
    assert X.index.equals(c.X.index)
    assert y.equals(c.y)
    np.testing.assert_allclose(X.to_numpy(), c.X.to_numpy(), atol=1e-4)


def test_only_module_genes_without_background_effect():
    c = make_ra_cohort(n_genes=N_MODULE_GENES, background_effect=0.0, random_state=0)
    assert c.X.shape[1] == N_MODULE_GENES
    assert c.programmes == {}


def test_activities_and_samples_cover_both_cohorts(small_cohort):
    c = small_cohort
    assert list(c.activities.columns) == ["IL6", "TNF", "IL1B", "cohort"]
    assert c.activities.index.equals(c.X.index.append(c.X_holdout.index))
    assert c.activities["cohort"].value_counts().to_dict() == {"train": 360, "holdout": 150}
    assert c.samples.index.equals(c.activities.index)
    assert c.samples.loc[c.X.index, "RA"].equals(c.y.rename("RA"))
    ra = c.samples["RA"] == 1
    assert c.samples.loc[ra, "severity"].gt(0).all()
    assert c.samples.loc[~ra, "severity"].isna().all()
    assert set(c.samples.loc[ra, "dominant"]) == {"IL6", "TNF", "IL1B"}  # heterogeneous RA
    assert c.samples.loc[~ra, "dominant"].isna().all()


def test_gene_graph(small_cohort):
    c = small_cohort
    graph = c.gene_graph
    assert list(graph.columns) == ["source", "target", "weight", "kind"]
    assert set(graph["target"]) <= set(c.X.columns)
    assert not graph.duplicated(["source", "target"]).any()
    own = graph[graph["kind"] == "cytokine"]
    for name, genes in c.modules.items():
        assert sorted(own.loc[own["source"] == f"{name}_activity", "target"]) == sorted(genes)
    assert (own["weight"] > 0).all()
    crosstalk = graph[graph["kind"] == "crosstalk"]
    assert set(zip(crosstalk["source"], crosstalk["target"])) <= {
        ("TNF_activity", g) for g in c.modules["IL6"]
    } | {("IL1B_activity", g) for g in c.modules["TNF"]}
    assert len(crosstalk) == round(0.25 * len(c.modules["IL6"])) + round(
        0.25 * len(c.modules["TNF"])
    )
    programme = graph[graph["kind"] == "programme"]
    assert set(programme["source"]) == set(c.programmes)
    assert not set(programme["target"]) & set(MODULES["IL6"])


def test_no_crosstalk_edges_when_disabled():
    graph = make_ra_cohort(random_state=0, crosstalk=0.0, **SMALL).gene_graph
    assert not (graph["kind"] == "crosstalk").any()


# --- determinism ----------------------------------------------------------------------------


def test_same_seed_same_cohort(small_cohort):
    again = make_ra_cohort(random_state=1, **SMALL)
    for key in ("X", "y", "X_holdout", "y_holdout", "activities", "samples", "gene_graph"):
        pd.testing.assert_frame_equal(
            pd.DataFrame(small_cohort[key]), pd.DataFrame(again[key]), check_exact=True
        )
    assert again.DESCR == small_cohort.DESCR


def test_other_seed_other_cohort(small_cohort):
    other = make_ra_cohort(random_state=2, **SMALL)
    assert not np.allclose(other.X.to_numpy(), small_cohort.X.to_numpy())


def test_generator_and_randomstate_seeds():
    a = make_ra_cohort(random_state=np.random.default_rng(5), return_X_y=True, **SMALL)[0]
    b = make_ra_cohort(random_state=np.random.default_rng(5), return_X_y=True, **SMALL)[0]
    c = make_ra_cohort(random_state=np.random.RandomState(5), return_X_y=True, **SMALL)[0]
    assert a.equals(b)
    assert a.shape == c.shape


def test_population_does_not_depend_on_cohort_sizes(small_cohort):
    bigger = make_ra_cohort(n_ra=300, random_state=1, **SMALL)
    pd.testing.assert_frame_equal(bigger.gene_graph, small_cohort.gene_graph)


# --- holdout: independent rows, same population -------------------------------------------


def nearest_distance(rows, others, exclude_self=False):
    """Squared distance of each row to its nearest row in ``others``."""
    distance = ((rows[:, None, :] - others[None, :, :]) ** 2).sum(-1)
    if exclude_self:
        np.fill_diagonal(distance, np.inf)
    return distance.min(axis=1)


def test_holdout_rows_are_new_draws(small_cohort):
    train = small_cohort.X.to_numpy()
    holdout = small_cohort.X_holdout.to_numpy()
    # No holdout row equals, or is a reordering of, any training row.
    train_rows = {row.tobytes() for row in np.sort(train, axis=1)}
    assert not any(row.tobytes() in train_rows for row in np.sort(holdout, axis=1))
    # Holdout rows are no closer to the training rows than training rows are to each other
    # (a jittered copy of training rows would be).
    to_train = np.median(nearest_distance(holdout, train))
    within_train = np.median(nearest_distance(train, train, exclude_self=True))
    assert to_train > 0.8 * within_train


def test_holdout_from_same_population(small_cohort):
    c = small_cohort
    other = make_ra_cohort(random_state=99, **SMALL)  # another population, for contrast
    for label in (0, 1):
        train = c.X[c.y == label]
        holdout = c.X_holdout[c.y_holdout == label]
        foreign = other.X[other.y == label]
        same_gap = (train.mean() - holdout.mean()).abs().median()
        foreign_gap = np.median(np.abs(train.mean().to_numpy() - foreign.mean().to_numpy()))
        assert same_gap < 0.15 < foreign_gap
        assert np.corrcoef(train.std(), holdout.std())[0, 1] > 0.9


# --- structure -------------------------------------------------------------------------------


def test_genes_correlate_within_modules(small_cohort):
    c = small_cohort
    genes = [g for genes in c.modules.values() for g in genes]
    background = list(c.X.columns[N_MODULE_GENES:])
    corr = c.X[genes + background].corr()
    names = list(c.modules)
    between = [
        corr.loc[c.modules[a], c.modules[b]].to_numpy().mean()
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    ]
    module_vs_background = corr.loc[genes, background].to_numpy().mean()
    for name, members in c.modules.items():
        within = mean_offdiagonal(corr.loc[members, members])
        assert within > 0.3, name
        assert within > max(between) + 0.15, name
        assert within > abs(module_vs_background) + 0.25, name


def test_background_programmes_are_coexpressed(small_cohort):
    c = small_cohort
    corr = c.X.corr()
    # Programme genes correlate with each other once loadings' signs are accounted for.
    graph = c.gene_graph[c.gene_graph["kind"] == "programme"]
    for name, members in c.programmes.items():
        sign = graph[graph["source"] == name].set_index("target")["weight"].loc[members]
        signed = corr.loc[members, members].to_numpy() * np.outer(np.sign(sign), np.sign(sign))
        assert mean_offdiagonal(signed) > 0.1, name
    noise_genes = [g for g in c.X.columns[N_MODULE_GENES:] if g not in set(graph["target"])]
    assert abs(mean_offdiagonal(corr.loc[noise_genes, noise_genes])) < 0.05


def test_batches_shift_genes_but_not_labels():
    kwargs = dict(n_batches=3, random_state=4, n_ra=200, n_control=200, **SMALL)
    c = make_ra_cohort(batch_effect=0.5, **kwargs)
    batch = c.samples.loc[c.X.index, "batch"]
    assert set(batch) == {0, 1, 2}
    offsets = c.X.groupby(batch.to_numpy()).mean()
    assert (offsets.max() - offsets.min()).median() > 0.4
    flat = make_ra_cohort(batch_effect=0.0, **kwargs)
    flat_offsets = flat.X.groupby(batch.to_numpy()).mean()
    assert (flat_offsets.max() - flat_offsets.min()).median() < 0.2
    # Batches are assigned independently of disease.
    assert abs(c.y.groupby(batch.to_numpy()).mean() - 0.5).max() < 0.15


def test_noise_parameter_scales_gene_noise():
    quiet = make_ra_cohort(noise=0.5, random_state=6, **SMALL)
    loud = make_ra_cohort(noise=2.0, random_state=6, **SMALL)
    noise_genes = quiet.X.columns[N_MODULE_GENES:]
    assert (loud.X[noise_genes].std() > quiet.X[noise_genes].std()).mean() > 0.9


# --- planted effects -------------------------------------------------------------------------


def test_latent_activity_shifts_match_module_effects():
    effects = {"IL1B": 1.2, "IL6": 0.4, "TNF": 2.0}
    c = make_ra_cohort(5000, 5000, 0, 0, module_effects=effects, random_state=7, **SMALL)
    act = c.activities.loc[c.X.index, list(c.modules)]
    shift = act[c.y == 1].mean() - act[c.y == 0].mean()
    for name, effect in effects.items():
        assert shift[name] == pytest.approx(effect, abs=0.08), name
    assert act[c.y == 0].std().between(0.95, 1.05).all()
    assert c.module_effects == {"IL6": 0.4, "TNF": 2.0, "IL1B": 1.2}


@pytest.mark.parametrize(
    ("effects", "order"),
    [
        (None, ["IL6", "TNF", "IL1B"]),
        ({"IL6": 0.3, "TNF": 1.0, "IL1B": 0.6}, ["TNF", "IL1B", "IL6"]),
        ({"IL1B": 2.5, "IL6": 0.75, "TNF": 1.5}, ["IL1B", "TNF", "IL6"]),
    ],
)
def test_module_score_differences_follow_module_effects(effects, order):
    # 1,200 samples: large enough that the order does not hang on one seed's luck.
    c = make_ra_cohort(600, 600, 0, 0, module_effects=effects, random_state=8, **SMALL)
    diff = score_differences(c)
    assert diff[order[0]] > diff[order[1]] > diff[order[2]] > 0.1, diff


def test_module_size_does_not_decide_the_effect():
    # Equal effects and no cross-talk: modules of 32 to 50 genes shift alike.
    effects = {"IL6": 1.0, "TNF": 1.0, "IL1B": 1.0}
    c = make_ra_cohort(
        600, 600, 0, 0, module_effects=effects, crosstalk=0.0, random_state=9, **SMALL
    )
    diff = score_differences(c)
    # Module sizes differ by a factor 1.6; differences here come from the gene-level draws.
    assert max(diff.values()) - min(diff.values()) < 0.2, diff


def test_zero_effects_leave_modules_flat():
    effects = {"IL6": 0.0, "TNF": 0.0, "IL1B": 0.0}
    c = make_ra_cohort(600, 600, 0, 0, module_effects=effects, random_state=10, **SMALL)
    assert all(abs(d) < 0.15 for d in score_differences(c).values())
    assert c.samples["dominant"].isna().all()


def test_background_effect_shifts_the_disease_programme():
    def programme_shift(background_effect):
        c = make_ra_cohort(
            400, 400, 0, 0, background_effect=background_effect, random_state=11, **SMALL
        )
        factor = c.samples.loc[c.X.index, "disease_programme"]
        return factor[c.y == 1].mean() - factor[c.y == 0].mean()

    assert programme_shift(1.0) == pytest.approx(1.0, abs=0.2)
    assert programme_shift(0.0) == pytest.approx(0.0, abs=0.2)


def test_heterogeneity_zero_gives_one_profile():
    c = make_ra_cohort(heterogeneity=0.0, random_state=12, **SMALL)
    ra = c.samples["RA"] == 1
    assert set(c.samples.loc[ra, "dominant"]) == {"IL6"}


# --- difficulty ------------------------------------------------------------------------------


def bayes_log_likelihood_ratio(activities, factor, effects, heterogeneity, background_effect):
    """Exact log p(latents | RA) / p(latents | control), by Monte Carlo over (severity, mix)."""
    rng = np.random.default_rng(0)
    effects = np.asarray(effects)
    tone = np.full((len(effects), len(effects)), TONE_CORRELATION)
    np.fill_diagonal(tone, 1.0)
    precision = np.linalg.inv(tone)
    severity = rng.gamma(SEVERITY_SHAPE, 1 / SEVERITY_SHAPE, 2000)
    mix = rng.dirichlet(effects / effects.sum() / heterogeneity, 2000)
    means = effects.sum() * severity[:, None] * mix
    quad = np.einsum("ij,jk,ik->i", means, precision, means)
    log_ratio = activities @ precision @ means.T - quad / 2
    return (
        logsumexp(log_ratio, axis=1)
        - np.log(len(means))
        + background_effect * factor
        - background_effect**2 / 2
    )


def test_best_achievable_auc_is_about_096():
    c = make_ra_cohort(3000, 3000, 0, 0, random_state=13, n_genes=N_MODULE_GENES + 15)
    activities = c.activities.loc[c.X.index, list(c.modules)].to_numpy()
    factor = c.samples.loc[c.X.index, "disease_programme"].to_numpy()
    llr = bayes_log_likelihood_ratio(activities, factor, list(c.module_effects.values()), 0.3, 1.0)
    assert 0.94 < roc_auc_score(c.y, llr) < 0.985


def test_logistic_regression_at_defaults_is_good_not_perfect(default_cohort):
    model = make_pipeline(StandardScaler(), LogisticRegression(solver="liblinear", dual=True))
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    auc = cross_val_score(model, default_cohort.X, default_cohort.y, cv=cv, scoring="roc_auc")
    assert 0.7 < auc.mean() < 0.97, auc


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"n_ra": 0}, ValueError, r"'n_ra' parameter of make_ra_cohort must be an int in"),
        ({"n_control": -3}, ValueError, r"'n_control' parameter .* range \[1, inf\)\. Got -3"),
        ({"n_holdout_ra": -1}, ValueError, r"'n_holdout_ra' parameter .* range \[0, inf\)"),
        ({"n_ra": 2.5}, TypeError, r"'n_ra' parameter of make_ra_cohort must be an int"),
        ({"n_genes": "15000"}, TypeError, r"'n_genes' parameter of make_ra_cohort must be an int"),
        ({"n_genes": 50}, ValueError, "smaller than the 122 genes of the cytokine modules"),
        ({"n_genes": N_MODULE_GENES + 5}, ValueError, "background_effect=0"),
        ({"module_effects": {"IL7": 1.0}}, ValueError, r"unknown module\(s\) \['IL7'\]"),
        ({"module_effects": {"IL6": -1.0}}, ValueError, r"module_effects\['IL6'\] must be"),
        ({"module_effects": {"IL6": "high"}}, TypeError, r"module_effects\['IL6'\]"),
        ({"module_effects": [1.0, 0.5, 0.2]}, TypeError,
         r"'module_effects' parameter .* instance of 'collections\.abc\.Mapping' or None"),
        ({"noise": 0}, ValueError, r"'noise' parameter .* range \(0\.0, inf\)\. Got 0"),
        ({"heterogeneity": float("nan")}, ValueError, r"'heterogeneity' parameter .* Got nan"),
        ({"crosstalk": -0.1}, ValueError, r"'crosstalk' parameter .* \[0\.0, inf\)"),
        ({"background_effect": -1}, ValueError, r"'background_effect' parameter"),
        ({"batch_effect": -1}, ValueError, r"'batch_effect' parameter"),
        ({"n_batches": 0}, ValueError, r"'n_batches' parameter .* \[1, inf\)"),
        ({"n_programmes": 0}, ValueError, r"'n_programmes' parameter .* \[1, inf\)"),
        ({"dtype": "int32"}, ValueError, "dtype must be 'float32' or 'float64'"),
        ({"dtype": None}, ValueError, "dtype must be"),
        ({"random_state": "seed"}, TypeError,
         r"'random_state' parameter .* an int in the range \[0, inf\), .*Generator' or None"),
        ({"random_state": -1}, ValueError, r"'random_state' parameter .* Got -1 instead"),
        ({"return_X_y": "yes"}, TypeError, r"'return_X_y' parameter .* instance of 'bool'"),
    ],
)
def test_invalid_parameters(params, error, match):
    with pytest.raises(error, match=match):
        make_ra_cohort(**params)
