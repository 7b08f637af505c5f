"""The bad-input catalogue: every public entry point, the mistakes users make, the error each gets.

Each row of ``CASES`` is one mistake and the error it must raise: a ValueError,
TypeError or FileNotFoundError whose message names the problem (checked with
``match=``), raised from skgenecyt's or scikit-learn's own checks, never from
deep inside torch, torch_geometric or skorch. ``WARNING_CASES`` lists inputs
that are accepted with a warning. The CLI rows run the command line in
process: exit status 2, one line on stderr, no traceback.

docs/user_guide/bad_input.rst shows the same catalogue as a table.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import (
    CohortWarning,
    CytokinePerturbation,
    ExpressionValidator,
    GATClassifier,
    LowCoverageWarning,
    QuantileNormalizer,
    RawCountsWarning,
    VAETransformer,
    benchmark,
    coexpression_graph,
    combine_cohorts,
    complete_graph,
    dose_response,
    labels_from_metadata,
    latent_perturbation_effects,
    load_cytokine_modules,
    load_expression,
    load_model,
    make_genecytnet,
    make_ra_cohort,
    make_ra_studies,
    match_modules,
    perturbation_effects,
    plot_perturbation_effects,
    prior_graph,
    read_geo_series_matrix,
    read_gmt,
    save_model,
    write_geo_studies,
)
from skgenecyt.cli import main

GENES = [f"G{i}" for i in range(10)]
RNG = np.random.default_rng(0)
X = pd.DataFrame(RNG.normal(size=(24, 10)), columns=GENES, index=[f"s{i}" for i in range(24)])
Y = np.repeat([0, 1], 12)
X.iloc[Y == 1, :3] += 1.5
MODULES = {"M": ["G0", "G1", "G2"]}
GROUPS = np.repeat(["A", "B", "C"], 8)  # three cohorts of X

# Small, fast settings for every torch estimator in this file.
VAE = dict(n_components=2, hidden_layer_sizes=(8,), max_epochs=2, random_state=0)
GAT = dict(hidden_channels=8, heads=2, max_epochs=2, random_state=0)
PIPE = dict(select__k=8, vae__n_components=2, vae__hidden_layer_sizes=(8,), vae__max_epochs=2,
            gat__hidden_channels=8, gat__heads=2, gat__max_epochs=2)


def _estimators():
    """name -> (unfitted estimator factory, whether fit takes y)."""
    return {
        "VAETransformer": (lambda: VAETransformer(**VAE), False),
        "GATClassifier": (lambda: GATClassifier(**GAT), True),
        "make_genecytnet": (lambda: make_genecytnet(random_state=0, **PIPE), True),
        "CytokinePerturbation": (
            lambda: CytokinePerturbation(module="M", modules=MODULES), False
        ),
        "ExpressionValidator": (ExpressionValidator, False),
        "QuantileNormalizer": (lambda: QuantileNormalizer(min_genes=5), False),
    }


@functools.cache
def fitted(name):
    factory, supervised = _estimators()[name]
    return factory().fit(X, Y) if supervised else factory().fit(X)


def _fit(name, X_, y_=None):
    factory, supervised = _estimators()[name]
    return factory().fit(X_, Y if y_ is None else y_) if supervised else factory().fit(X_)


def _output(name, X_):
    model = fitted(name)
    return model.predict_proba(X_) if hasattr(model, "predict_proba") else model.transform(X_)


def _with(frame=X, **cells):
    """A copy of ``frame`` with some cells replaced: ``_with(G3=np.nan)`` sets G3 of row 0."""
    out = frame.copy()
    for gene, value in cells.items():
        out[gene] = out[gene].astype(object) if isinstance(value, str) else out[gene]
        out.loc[out.index[0], gene] = value
    return out


def _duplicated_genes():
    out = X.copy()
    out.columns = [*GENES[:-1], GENES[0]]
    return out


def _counts():
    return pd.DataFrame(RNG.poisson(500, size=(24, 10)).astype(float), columns=GENES,
                        index=X.index)


@dataclass
class Case:
    id: str
    call: Any
    error: type | tuple
    match: str
    known_gap: str | None = None  # why it fails today and what would fix it


# -- the estimators: one row per (estimator, mistake) ------------------------------------------

def _estimator_cases():
    cases = []
    names = list(_estimators())
    for name in names:
        supervised = _estimators()[name][1]
        cases += [
            Case(f"{name}-fit-NaN", lambda n=name: _fit(n, _with(G3=np.nan)),
                 ValueError, r"NaN"),
            Case(f"{name}-fit-inf", lambda n=name: _fit(n, _with(G3=np.inf)),
                 ValueError, r"(?i)inf"),
            Case(f"{name}-fit-empty", lambda n=name: _fit(n, X.iloc[:0], Y[:0]),
                 ValueError, r"0 sample"),
            Case(f"{name}-fit-no-genes", lambda n=name: _fit(n, X.iloc[:, :0]),
                 ValueError, r"0 feature"),
            Case(f"{name}-fit-one-sample", lambda n=name: _fit(n, X.iloc[:1], Y[:1]),
                 ValueError, r"1 sample|1 class"),
            Case(f"{name}-fit-string-column", lambda n=name: _fit(n, _with(G4="high")),
                 ValueError, r"G4.*'high'|'high'.*G4"),
            Case(f"{name}-fit-duplicate-genes", lambda n=name: _fit(n, _duplicated_genes()),
                 ValueError, r"(?s)unique column names.*'G0' 2 times"),
            Case(f"{name}-predict-missing-gene",
                 lambda n=name: _output(n, X.drop(columns="G3")),
                 ValueError, r"missing:\n- G3"),
            Case(f"{name}-predict-extra-gene",
                 lambda n=name: _output(n, X.assign(EXTRA=1.0)),
                 ValueError, r"unseen at fit time:\n- EXTRA"),
            Case(f"{name}-predict-wrong-width",
                 lambda n=name: _output(n, X.to_numpy()[:, :9]),
                 ValueError, r"9 features, but \w+ is expecting 10"),
            Case(f"{name}-predict-NaN", lambda n=name: _output(n, _with(G3=np.nan)),
                 ValueError, r"NaN"),
            Case(f"{name}-predict-unfitted",
                 lambda n=name: _estimators()[n][0]().transform(X)
                 if not _estimators()[n][1] else _estimators()[n][0]().predict(X),
                 NotFittedError, r"not fitted"),
        ]
        if supervised:
            cases += [
                Case(f"{name}-fit-single-class", lambda n=name: _fit(n, X, np.zeros(24)),
                     ValueError, r"1 class|one class|single class"),
                Case(f"{name}-fit-labels-not-aligned", lambda n=name: _fit(n, X, Y[:20]),
                     ValueError, r"inconsistent numbers of samples: \[24, 20\]"),
                Case(f"{name}-fit-NaN-label",
                     lambda n=name: _fit(n, X, np.r_[np.nan, Y[1:]]),
                     ValueError, r"y contains (NaN|1 missing label)"),
                Case(f"{name}-fit-None-label",
                     lambda n=name: _fit(n, X, np.array([None, *np.where(Y[1:], "RA", "ctl")],
                                                        dtype=object)),
                     ValueError,
                     r"y contains 1 missing label\(s\) \(None or NaN\), first at row 0"),
                Case(f"{name}-fit-continuous-labels",
                     lambda n=name: _fit(n, X, RNG.normal(size=24)),
                     ValueError, r"Unknown label type"),
            ]
    # Values finite in float64 that overflow the float32 used inside torch.
    cases += [
        Case("GATClassifier-predict-overflows-float32",
             lambda: _output("GATClassifier", X * 1e39), ValueError,
             r"(?i)float32|too large|overflow|infinite"),
        Case("VAETransformer-predict-overflows-float32",
             lambda: _output("VAETransformer", X * 1e39), ValueError,
             r"(?i)float32|too large|overflow|infinite"),
        Case("make_genecytnet-predict-overflows-float32",
             lambda: _output("make_genecytnet", X * 1e39), ValueError,
             r"values beyond the float32 range.*'G0' \(\d+ beyond float32\)"),
        # Finite in float32, yet far enough from the training scale that
        # standardising overflows.
        Case("QuantileNormalizer-fit-too-few-genes",
             lambda: QuantileNormalizer().fit(X), ValueError,
             r"at least min_genes=100 of them; X has 10 feature\(s\)"),
        Case("GATClassifier-predict-overflows-after-standardising",
             lambda: GATClassifier(**GAT).fit(X * 1e-3, Y).predict_proba(
                 _with(X * 1e-3, G0=1e38)), ValueError,
             r"too large for float32 in 1 feature\(s\): 'G0'"),
    ]
    return cases


# -- parameters: wrong types and ranges ------------------------------------------------------------

PARAMETER_CASES = [
    Case("VAETransformer-n_components-0", lambda: VAETransformer(n_components=0).fit(X),
         ValueError, r"'n_components' parameter of VAETransformer must be an int in the range"),
    Case("VAETransformer-n_components-str", lambda: VAETransformer(n_components="8").fit(X),
         TypeError, r"'n_components' parameter of VAETransformer must be an int"),
    Case("VAETransformer-n_components-too-large",
         lambda: VAETransformer(n_components=10).fit(X),
         ValueError, r"n_components=10 must be smaller than the number of features"),
    Case("VAETransformer-hidden-sizes", lambda: VAETransformer(hidden_layer_sizes=(8, -1)).fit(X),
         ValueError, r"hidden_layer_sizes must be a sequence of positive integers"),
    Case("VAETransformer-dropout-1.5", lambda: VAETransformer(dropout=1.5).fit(X),
         ValueError, r"'dropout' parameter of VAETransformer must be a float in the range"),
    Case("GATClassifier-heads-divide", lambda: GATClassifier(hidden_channels=10, heads=4).fit(X, Y),
         ValueError, r"hidden_channels=10 must be divisible by heads=4"),
    Case("GATClassifier-max_epochs-0", lambda: GATClassifier(max_epochs=0).fit(X, Y),
         ValueError, r"'max_epochs' parameter of GATClassifier must be an int in the range"),
    Case("GATClassifier-lr-negative", lambda: GATClassifier(lr=-1.0).fit(X, Y),
         ValueError, r"'lr' parameter of GATClassifier must be a float in the range"),
    Case("GATClassifier-validation_fraction-1",
         lambda: GATClassifier(validation_fraction=1.0).fit(X, Y),
         ValueError, r"'validation_fraction' parameter of GATClassifier"),
    Case("GATClassifier-graph-unknown", lambda: GATClassifier(graph="knn").fit(X, Y),
         ValueError, r"'graph' parameter of GATClassifier must be"),
    Case("GATClassifier-device-unknown", lambda: GATClassifier(device="gpu", **GAT).fit(X, Y),
         ValueError, r"(?i)device.*'gpu'"),
    Case("VAETransformer-device-unknown", lambda: VAETransformer(device="gpu", **VAE).fit(X),
         ValueError, r"device='gpu' is not a torch device"),
    Case("GATClassifier-device-cuda-missing",
         lambda: GATClassifier(device="cuda:0", **GAT).fit(X, Y),
         ValueError, r"CUDA is not available"),
    Case("GATClassifier-class_weight-str", lambda: GATClassifier(class_weight="equal").fit(X, Y),
         ValueError, r"'class_weight' parameter of GATClassifier"),
    Case("make_genecytnet-unknown-param", lambda: make_genecytnet(vae__n_comps=3),
         ValueError, r"Unknown GeneCytNet parameter\(s\) \['vae__n_comps'\]"),
    Case("make_genecytnet-random_state-str", lambda: make_genecytnet(random_state="0"),
         TypeError, r"'random_state' parameter of make_genecytnet must be"),
    Case("CytokinePerturbation-unknown-module",
         lambda: CytokinePerturbation(module="IL17", modules=MODULES).fit(X),
         ValueError, r"Unknown module 'IL17'; available modules: M"),
    Case("CytokinePerturbation-mode", lambda: CytokinePerturbation(mode="up").fit(X),
         ValueError, r"'mode' parameter of CytokinePerturbation"),
    Case("make_ra_cohort-n_genes-negative", lambda: make_ra_cohort(n_genes=-5),
         ValueError, r"'n_genes' parameter of make_ra_cohort must be an int in the range "
                     r"\[1, inf\)\. Got -5 instead"),
    Case("make_ra_cohort-n_ra-str", lambda: make_ra_cohort(n_ra="many"),
         TypeError, r"'n_ra' parameter of make_ra_cohort must be an int in the range "
                    r"\[1, inf\)\. Got 'many' instead"),
    Case("make_ra_cohort-unknown-module-effect",
         lambda: make_ra_cohort(n_ra=10, n_control=10, n_holdout_ra=0, n_holdout_control=0,
                                n_genes=500, module_effects={"IL17": 1.0}),
         ValueError, r"module_effects has unknown module\(s\) \['IL17'\]"),
    Case("make_ra_cohort-dtype", lambda: make_ra_cohort(dtype="int8"),
         ValueError, r"dtype must be 'float32' or 'float64', got 'int8'"),
    Case("perturbation_effects-n_null-negative",
         lambda: perturbation_effects(fitted_baseline(), X, modules=MODULES, n_null=-1),
         ValueError, r"'n_null' parameter of perturbation_effects must be an int in the range"),
    Case("perturbation_effects-on-unknown",
         lambda: perturbation_effects(fitted_baseline(), X, modules=MODULES, on="some"),
         ValueError, r"'on' parameter of perturbation_effects must be a str among"),
    Case("dose_response-no-shifts",
         lambda: dose_response(fitted_baseline(), X, "M", shifts=[], modules=MODULES),
         ValueError, r"shifts must be a non-empty list of finite numbers"),
    Case("benchmark-n_repeats-0",
         lambda: benchmark({"lr": LogisticRegression()}, X, Y, n_repeats=0),
         ValueError, r"'n_repeats' parameter of benchmark must be an int in the range "
                     r"\[1, inf\)\. Got 0 instead"),
    Case("benchmark-unknown-scoring",
         lambda: benchmark({"lr": LogisticRegression()}, X, Y, scoring="auc"),
         ValueError, r"Unknown scoring name\(s\) \['auc'\]; benchmark supports"),
    Case("coexpression_graph-n_neighbors-str", lambda: coexpression_graph(X, n_neighbors="3"),
         TypeError, r"'n_neighbors' parameter of coexpression_graph must be an int"),
    Case("load_cytokine_modules-as_frame-str", lambda: load_cytokine_modules(as_frame="yes"),
         TypeError, r"'as_frame' parameter of load_cytokine_modules must be an instance of "
                    r"'bool'"),
    Case("load_expression-duplicates-policy", lambda: load_expression(X, duplicates="drop"),
         ValueError, r"'duplicates' parameter of load_expression must be a str among "
                     r"\{.*'mean'.*\}\. Got 'drop' instead"),
]


def test_a_gpu_number_beyond_the_machines_gpus_is_named(monkeypatch):
    import torch

    # As on a machine with one GPU, so that the check runs without one.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(ValueError, match=r"device='cuda:3' names GPU 3, but this machine has 1"):
        GATClassifier(device="cuda:3", **GAT).fit(X, Y)


# -- too few samples for the validation split or the CV -----------------------------------------

SMALL_DATA_CASES = [
    Case("GATClassifier-2-samples-validation-split",
         lambda: GATClassifier(**GAT, early_stopping=True).fit(X.iloc[[0, 23]], Y[[0, 23]]),
         ValueError, r"Too few samples for the validation split: 2 sample"),
    Case("VAETransformer-2-samples-validation-split",
         lambda: VAETransformer(**VAE, early_stopping=True).fit(X.iloc[:2]),
         ValueError, r"Too few samples for the validation split: 2 sample"),
    Case("benchmark-cv-larger-than-class",
         lambda: benchmark({"lr": LogisticRegression()}, X.iloc[8:16], Y[8:16], cv=5),
         ValueError, r"cv=5 folds need at least 5 samples of each class; the smallest class "
                     r"has 4"),
    Case("benchmark-cv-1", lambda: benchmark({"lr": LogisticRegression()}, X, Y, cv=1),
         ValueError, r"cv must be at least 2 folds"),
]


# -- functions: loaders, graphs, modules, perturbation, plots, persistence ----------------------

def _files(tmp_path):
    """Small files for the loader and CLI cases."""
    X.to_csv(tmp_path / "expr.csv")
    pd.DataFrame({"sample": X.index, "RA": Y}).to_csv(tmp_path / "labels.csv", index=False)
    pd.DataFrame({"sample": X.index[:20], "RA": Y[:20]}).to_csv(tmp_path / "short.csv",
                                                                index=False)
    _with(G4="high").to_csv(tmp_path / "text.csv")
    _duplicated_genes().to_csv(tmp_path / "dup.csv")
    (tmp_path / "bad.gmt").write_text("M\tdescription\tG0\tG1\nBROKEN\n")
    (tmp_path / "ok.gmt").write_text("M\tdescription\tG0\tG1\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "expr.xlsx").write_text("not a table")
    (tmp_path / "model.joblib").write_text("not a model")
    return tmp_path


# GEO series matrices (read_geo_series_matrix), their metadata and cohorts: small files with
# one defect each.

def _geo(p, table=None, *, samples=("GSM1", "GSM2"), platforms=("GPL1", "GPL1"), end=True):
    """Write a two-sample series matrix to p / 'geo.txt'; ``table`` replaces the data rows."""
    quoted = "\t".join(f'"{s}"' for s in samples)
    lines = ['!Series_geo_accession\t"GSE1"', f"!Sample_geo_accession\t{quoted}",
             '!Sample_characteristics_ch1\t"disease state: RA"\t"disease state: control"',
             "!Sample_platform_id\t" + "\t".join(f'"{g}"' for g in platforms),
             "!series_matrix_table_begin", f'"ID_REF"\t{quoted}',
             *(table or ['"p1"\t1200.5\t800.25', '"p2"\t35.5\t40.0'])]
    if end:
        lines.append("!series_matrix_table_end")
    (p / "geo.txt").write_text("\n".join(lines) + "\n")
    return p / "geo.txt"


def _geo_annotation(p, columns=("ID", "Gene Symbol"), platform=None):
    header = f"^PLATFORM = {platform}\n!platform_table_begin\n" if platform else ""
    footer = "!platform_table_end\n" if platform else ""
    (p / "gpl.txt").write_text(header + "\t".join(columns) + "\np1\tSOCS3\np2\tIL6\n" + footer)
    return p / "gpl.txt"


def _geo_metadata():
    return pd.DataFrame({"disease state": ["RA", "control", "OA"]}, index=["a", "b", "c"])


def _two_cohorts(shared):
    genes = [f"G{i}" for i in range(10)]
    return {"GSE1": (X[genes], Y), "GSE2": (X[genes[:shared]].rename(index="B{}".format), Y)}


def _function_cases():
    return [
        Case("load_expression-missing-file", lambda p: load_expression(p / "nope.csv"),
             FileNotFoundError, r"Expression file not found: '.*nope\.csv'"),
        Case("load_expression-unknown-extension", lambda p: load_expression(p / "expr.xlsx"),
             ValueError, r"Cannot tell the format of '.*expr\.xlsx'"),
        Case("load_expression-empty-file", lambda p: load_expression(p / "empty.csv"),
             ValueError, r"is empty"),
        Case("load_expression-string-column", lambda p: load_expression(p / "text.csv"),
             ValueError, r"'G4' \(e\.g\. 'high' for sample 's0'\)"),
        Case("load_expression-duplicate-genes", lambda p: load_expression(p / "dup.csv"),
             ValueError, r"gene name\(s\) occur more than once: 'G0'"),
        Case("load_expression-NaN", lambda p: load_expression(_with(G2=np.nan)),
             ValueError, r"'G2' \(1 NaN\)"),
        Case("load_expression-labels-not-aligned",
             lambda p: load_expression(p / "expr.csv", p / "short.csv"),
             ValueError, r"4 sample\(s\) without a label: 's20'"),
        Case("load_expression-labels-array-length",
             lambda p: load_expression(X, labels=Y[:5]),
             ValueError, r"one value per sample \(24\), got shape \(5,\)"),
        Case("load_expression-unknown-label-column",
             lambda p: load_expression(X, labels="diagnosis"),
             ValueError, r"labels='diagnosis' is neither a column"),
        Case("load_expression-wrong-type", lambda p: load_expression(42),
             TypeError, r"expression must be a path, a pandas DataFrame or an AnnData"),
        Case("read_gmt-missing-file", lambda p: read_gmt(p / "nope.gmt"),
             FileNotFoundError, r"GMT file not found"),
        Case("read_gmt-malformed-line", lambda p: read_gmt(p / "bad.gmt"),
             ValueError, r"bad\.gmt, line 2: expected a set name, a description"),
        Case("read_gmt-wrong-type", lambda p: read_gmt(["M", "G0"]),
             TypeError, r"'path' parameter of read_gmt must be an instance of 'str' or an "
                        r"instance of 'os\.PathLike'"),
        # -- GEO series matrices, labels from metadata, cohorts, studies ---------------------
        Case("read_geo_series_matrix-missing-file",
             lambda p: read_geo_series_matrix(p / "nope.txt.gz"),
             FileNotFoundError, r"Series matrix file not found: '.*nope\.txt\.gz'"),
        Case("read_geo_series_matrix-not-a-series-matrix",
             lambda p: read_geo_series_matrix(p / "expr.csv"),
             ValueError, r"no '!series_matrix_table_begin' line: it is not a GEO series matrix"),
        Case("read_geo_series_matrix-truncated-table",
             lambda p: read_geo_series_matrix(_geo(p, end=False)),
             ValueError, r"line 5 has no '!series_matrix_table_end' line \(the file ends at "
                         r"line 8\): the file is truncated"),
        Case("read_geo_series_matrix-row-with-too-many-fields",
             lambda p: read_geo_series_matrix(_geo(p, ['"p1"\t1.0\t2.0\t3.0'])),
             ValueError, r"geo\.txt', line 7: 4 fields, but the table header \(line 6\) has 3"),
        Case("read_geo_series_matrix-row-with-too-few-fields",
             lambda p: read_geo_series_matrix(_geo(p, ['"p1"\t1.0\t2.0', '"p2"\t1.0'])),
             ValueError, r"line 8: 2 fields, but the table header \(line 6\) has 3"),
        Case("read_geo_series_matrix-duplicate-sample-ids",
             lambda p: read_geo_series_matrix(_geo(p, samples=("GSM1", "GSM1"))),
             ValueError, r"line 6: sample id 'GSM1' occurs twice in the table header"),
        Case("read_geo_series_matrix-non-numeric-value",
             lambda p: read_geo_series_matrix(_geo(p, ['"p1"\t1.0\t2.0', '"p2"\tn/a\t1.0'])),
             ValueError, r"line 8: sample 'GSM1' holds 'n/a' for probe 'p2', which is not a "
                         r"number"),
        Case("read_geo_series_matrix-several-platforms",
             lambda p: read_geo_series_matrix(_geo(p, platforms=("GPL96", "GPL97"))),
             ValueError, r"spans several platforms \(GPL96: 1 sample\(s\), GPL97: 1 sample"),
        Case("read_geo_series_matrix-annotation-without-symbol-column",
             lambda p: read_geo_series_matrix(_geo(p), _geo_annotation(p, ("ID", "GB_ACC"))),
             ValueError, r"no recognisable gene symbol column; its columns are: 'ID', 'GB_ACC'"),
        Case("read_geo_series_matrix-annotation-of-another-platform",
             lambda p: read_geo_series_matrix(_geo(p), _geo_annotation(p, platform="GPL570")),
             ValueError, r"is for platform GPL570, but GSE1 is on platform GPL1"),
        Case("read_geo_series_matrix-annotation-matching-no-probe",
             lambda p: read_geo_series_matrix(_geo(p, ['"x1"\t1.0\t2.0']), _geo_annotation(p)),
             ValueError, r"None of the 1 probe ids of GSE1 \(e\.g\. 'x1'\) is in the "
                         r"annotation"),
        Case("read_geo_series_matrix-collapse-unknown",
             lambda p: read_geo_series_matrix(_geo(p), collapse="median"),
             ValueError, r"'collapse' parameter of read_geo_series_matrix must be a str among"),
        Case("labels_from_metadata-unknown-column",
             lambda p: labels_from_metadata(_geo_metadata(), "disease", {"RA": 1}),
             ValueError, r"no column 'disease'; its columns are: 'disease state'"),
        Case("labels_from_metadata-mapping-matches-nothing",
             lambda p: labels_from_metadata(_geo_metadata(), "disease state", {"ra patient": 1}),
             ValueError, r"No sample has a label: none of the values of 'disease state' "
                         r"\('RA' \(1\), 'control' \(1\), 'OA' \(1\)\)"),
        Case("combine_cohorts-too-few-shared-genes",
             lambda p: combine_cohorts(_two_cohorts(shared=3)),
             ValueError, r"share 3 gene\(s\), 30% of the 10 genes of 'GSE1'.*min_shared=0\.5"),
        Case("combine_cohorts-not-a-pair", lambda p: combine_cohorts({"GSE1": X}),
             TypeError, r"Cohort 'GSE1' must be a pair \(X, y\)"),
        Case("make_ra_studies-too-small-study", lambda p: make_ra_studies(n_samples=2),
             ValueError, r"'n_samples' parameter of make_ra_studies must be an int in the "
                         r"range \[4, inf\)"),
        Case("write_geo_studies-existing-files",
             lambda p: write_geo_studies(make_ra_studies(1, 8, 200, random_state=0), p)
             and write_geo_studies(make_ra_studies(1, 8, 200, random_state=0), p),
             FileExistsError, r"already holds 'GSESIM1_series_matrix\.txt\.gz', "
                              r"'GPLSIM_annotation\.txt'; pass overwrite=True"),
        # -- end of the GEO block -------------------------------------------------------------
        Case("match_modules-wrong-type", lambda p: match_modules(["G0"], GENES),
             TypeError, r"modules must be a dict of gene lists"),
        Case("CytokinePerturbation-malformed-GMT",
             lambda p: CytokinePerturbation(module="M", modules=p / "bad.gmt").fit(X),
             ValueError, r"bad\.gmt, line 2"),
        Case("CytokinePerturbation-module-of-unknown-genes",
             lambda p: CytokinePerturbation(module="M", modules={"M": ["NOPE1", "NOPE2"]}
                                            ).fit(X),
             ValueError, r"NOPE1"),
        Case("coexpression_graph-NaN", lambda p: coexpression_graph(_with(G1=np.nan)),
             ValueError, r"NaN or infinite"),
        Case("coexpression_graph-one-sample", lambda p: coexpression_graph(X.iloc[:1]),
             ValueError, r"at least 2 samples; got 1"),
        Case("complete_graph-duplicate-names", lambda p: complete_graph(["A", "B", "A"]),
             ValueError, r"unique; duplicated: \['A'\]"),
        Case("prior_graph-only-unknown-genes",
             lambda p: prior_graph([("NOPE1", "NOPE2")], GENES),
             ValueError, r"no usable edge"),
        Case("prior_graph-malformed-edge", lambda p: prior_graph([("G0",)], GENES),
             ValueError, r"\(source, target\) or \(source, target, weight\)"),
        Case("GATClassifier-graph-of-unknown-genes",
             lambda p: GATClassifier(graph=[("NOPE1", "NOPE2")], **GAT).fit(X, Y),
             ValueError, r"no usable edge"),
        Case("perturbation_effects-unfitted",
             lambda p: perturbation_effects(LogisticRegression(), X, modules=MODULES),
             NotFittedError, r"not fitted"),
        Case("perturbation_effects-NaN",
             lambda p: perturbation_effects(fitted("GATClassifier"), _with(G0=np.nan),
                                            modules=MODULES, n_null=0, n_bootstrap=0),
             ValueError, r"NaN"),
        Case("perturbation_effects-module-of-unknown-genes",
             lambda p: perturbation_effects(fitted("GATClassifier"), X,
                                            modules={"M": ["NOPE"]}, n_null=0, n_bootstrap=0),
             ValueError, r"No gene of module 'M'.*'NOPE'"),
        Case("perturbation_effects-on-ra-without-y",
             lambda p: perturbation_effects(fitted("GATClassifier"), X, modules=MODULES,
                                            on="ra", n_null=0, n_bootstrap=0),
             ValueError, r"on='ra' needs the labels y"),
        Case("perturbation_effects-missing-gene",
             lambda p: perturbation_effects(fitted("GATClassifier"), X.drop(columns="G5"),
                                            modules=MODULES, n_null=0, n_bootstrap=0),
             ValueError, r"G5"),
        Case("perturbation_effects-malformed-GMT",
             lambda p: perturbation_effects(fitted("GATClassifier"), X,
                                            modules=p / "bad.gmt", n_null=0, n_bootstrap=0),
             ValueError, r"bad\.gmt, line 2"),
        Case("dose_response-unknown-module",
             lambda p: dose_response(fitted("GATClassifier"), X, "IL17", modules=MODULES,
                                     n_bootstrap=0),
             ValueError, r"Unknown module\(s\) \['IL17'\]"),
        Case("latent_perturbation_effects-no-latent-step",
             lambda p: latent_perturbation_effects(
                 fitted_baseline(), X, modules=MODULES, n_bootstrap=0, n_null=0),
             ValueError, r"has no VAETransformer; pass latent_step="),
        Case("plot_perturbation_effects-wrong-table",
             lambda p: plot_perturbation_effects(pd.DataFrame({"a": [1]})),
             ValueError, r"needs the columns \['module', 'shift', 'delta_mean'"),
        Case("benchmark-single-class",
             lambda p: benchmark({"lr": LogisticRegression()}, X, np.zeros(24)),
             ValueError, r"binary classifiers; y has 1 class"),
        Case("benchmark-labels-not-aligned",
             lambda p: benchmark({"lr": LogisticRegression()}, X, Y[:20]),
             ValueError, r"X has 24 samples but y has 20 labels"),
        Case("benchmark-not-a-classifier",
             lambda p: benchmark({"vae": VAETransformer()}, X, Y),
             TypeError, r"Model 'vae' \(VAETransformer\) is not a classifier"),
        Case("benchmark-holdout-other-genes",
             lambda p: benchmark({"lr": LogisticRegression()}, X, Y,
                                 X.drop(columns="G3"), Y),
             ValueError, r"1 missing \[.G3.\]"),
        Case("benchmark-NaN", lambda p: benchmark({"lr": LogisticRegression()},
                                                  _with(G0=np.nan), Y),
             ValueError, r"model 'lr' failed on split 1: Input X contains NaN"),
        Case("benchmark-groups-one-cohort",
             lambda p: benchmark({"lr": LogisticRegression()}, X, Y, groups=["A"] * 24),
             ValueError, r"groups names one cohort \('A'\); holding cohorts out needs at "
                         r"least 2"),
        Case("benchmark-groups-wrong-length",
             lambda p: benchmark({"lr": LogisticRegression()}, X, Y, groups=GROUPS[:20]),
             ValueError, r"X has 24 samples but groups has 20 entries"),
        Case("benchmark-groups-with-int-cv",
             lambda p: benchmark({"lr": LogisticRegression()}, X, Y, groups=GROUPS, cv=3),
             ValueError, r"With groups, cv is a group splitter .* pass within_cv=3"),
        Case("benchmark-within_cv-without-groups",
             lambda p: benchmark({"lr": LogisticRegression()}, X, Y, within_cv=3),
             ValueError, r"within_cv goes with groups"),
        Case("benchmark-groups-split-across-train-and-test",
             lambda p: benchmark({"lr": LogisticRegression()}, X, Y, groups=GROUPS,
                                 cv=[(np.arange(0, 24, 2), np.arange(1, 24, 2))]),
             ValueError, r"Split 1 has samples of cohort\(s\) 'A', 'B', 'C' in both its "
                         r"training and its test rows"),
        Case("save_model-unfitted", lambda p: save_model(GATClassifier(), p / "m.skgenecyt"),
             NotFittedError, r"not fitted"),
        Case("save_model-existing-file",
             lambda p: save_model(fitted("GATClassifier"), p / "model.joblib"),
             FileExistsError, r"model\.joblib' exists; pass overwrite=True"),
        Case("save_model-folder", lambda p: save_model(fitted("GATClassifier"), p),
             IsADirectoryError, r"is a folder; give the model file's name"),
        Case("load_model-missing-file", lambda p: load_model(p / "nope.skgenecyt"),
             FileNotFoundError, r"Model file not found"),
        Case("load_model-not-a-model", lambda p: load_model(p / "model.joblib"),
             ValueError, r"is not a skgenecyt model file"),
    ]


@functools.cache
def fitted_baseline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression()).fit(X, Y)


def _params(cases):
    return [
        pytest.param(case, id=case.id, marks=[pytest.mark.xfail(
            strict=True, reason=case.known_gap)] if case.known_gap else [])
        for case in cases
    ]


_FOREIGN = ("/torch/", "/torch_geometric/", "/skorch/")


def _check_raises(case, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # warnings on the way are not the point here
        with pytest.raises(case.error, match=case.match) as info:
            case.call(*args)
    # Raised by skgenecyt's or scikit-learn's checks, not from inside a network.
    origin = str(info.traceback[-1].path)
    assert not any(part in origin for part in _FOREIGN), f"raised inside {origin}"


@pytest.mark.parametrize("case", _params(_estimator_cases() + PARAMETER_CASES
                                         + SMALL_DATA_CASES))
def test_bad_input_raises_a_clear_error(case):
    _check_raises(case)


@pytest.mark.parametrize("case", _params(_function_cases()))
def test_bad_input_to_functions(case, tmp_path):
    _check_raises(case, _files(tmp_path))


# -- accepted with a warning ----------------------------------------------------------------------

WARNING_CASES = [
    Case("load_expression-raw-counts", lambda p: load_expression(_counts()),
         RawCountsWarning, r"look like raw counts"),
    # -- GEO series matrices, labels from metadata, cohorts --------------------------------
    Case("read_geo_series_matrix-linear-values",
         lambda p: read_geo_series_matrix(_geo(p), _geo_annotation(p)),
         CohortWarning, r"GSE1: the values look linear by GEO2R's rule .*took log2"),
    Case("read_geo_series_matrix-without-annotation",
         lambda p: read_geo_series_matrix(_geo(p), log=False),
         CohortWarning, r"no annotation: the columns are probe ids, not gene symbols"),
    Case("labels_from_metadata-unmapped-values",
         lambda p: labels_from_metadata(_geo_metadata(), "disease state", {"RA": 1,
                                                                            "control": 0}),
         CohortWarning, r"1 of 3 sample\(s\) left out: .*'OA' \(1\)"),
    Case("combine_cohorts-sample-in-two-cohorts",
         lambda p: combine_cohorts({"GSE1": (X, Y), "GSE2": (X.iloc[:4], Y[:4])}),
         CohortWarning, r"4 pair\(s\) of samples of different cohorts look like one array: "
                        r"GSE1:s0 and GSE2:s0 \(same id\)"),
    # -- end of the GEO block ---------------------------------------------------------------
    Case("match_modules-low-coverage",
         lambda p: match_modules({"M": ["G0", "NOPE1", "NOPE2"]}, GENES),
         LowCoverageWarning, r"M"),
    Case("prior_graph-some-unknown-genes",
         lambda p: prior_graph([("G0", "G1"), ("G1", "NOPE")], GENES),
         UserWarning, r"1 of 2 prior edges name features that are not in the data.*'NOPE'"),
    Case("GATClassifier-raw-counts", lambda p: GATClassifier(**GAT).fit(_counts(), Y),
         RawCountsWarning, r"raw counts"),
    Case("VAETransformer-raw-counts", lambda p: VAETransformer(**VAE).fit(_counts()),
         RawCountsWarning, r"raw counts"),
    Case("make_genecytnet-raw-counts",
         lambda p: make_genecytnet(random_state=0, **PIPE).fit(_counts(), Y),
         RawCountsWarning, r"raw counts"),
    # Fitted on log values, then given counts: the probabilities would be wrong.
    Case("make_genecytnet-predict-raw-counts",
         lambda p: fitted("make_genecytnet").predict_proba(_counts()),
         RawCountsWarning, r"raw counts"),
    Case("benchmark-raw-counts",
         lambda p: benchmark({"lr": make_pipeline(StandardScaler(), LogisticRegression())},
                             _counts(), Y, cv=2),
         RawCountsWarning, r"raw counts"),
]


@pytest.mark.parametrize("case", _params(WARNING_CASES))
def test_questionable_input_warns(case, tmp_path):
    with pytest.warns(case.error, match=case.match):
        case.call(tmp_path)


# -- tiny but valid data trains and predicts ------------------------------------------------------

TINY = X.iloc[list(range(4)) + list(range(20, 24))]
TINY_Y = np.repeat([0, 1], 4)


@pytest.mark.parametrize("name", ["GATClassifier", "make_genecytnet"])
def test_tiny_data_trains_and_predicts_quietly_by_default(name):
    """8 samples: early_stopping="auto" trains a fixed budget instead of a 1-row split."""
    model = _estimators()[name][0]()
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.fit(TINY, TINY_Y)
    proba = model.predict_proba(TINY)
    assert proba.shape == (8, 2)
    assert np.isfinite(proba).all()


def test_tiny_data_with_forced_early_stopping_warns():
    """8 samples, 4 per class: one validation sample cannot hold both classes."""
    model = GATClassifier(**GAT, early_stopping=True)
    with pytest.warns(UserWarning, match=r"validation split \(1 of 8 samples\) cannot hold"):
        model.fit(TINY, TINY_Y)
    assert np.isfinite(model.predict_proba(TINY)).all()


def test_tiny_data_trains_the_vae():
    Z = VAETransformer(**VAE).fit(TINY).transform(TINY)
    assert Z.shape == (8, 2)
    assert np.isfinite(Z).all()


def test_tiny_data_without_early_stopping_needs_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GATClassifier(**GAT, early_stopping=False).fit(TINY, TINY_Y)


# -- the command line -----------------------------------------------------------------------------

CLI_CASES = [
    ("benchmark-missing-expression",
     "benchmark --expression {p}/nope.csv --labels {p}/labels.csv --out {p}/out",
     r"Expression file not found"),
    ("benchmark-labels-not-aligned",
     "benchmark --expression {p}/expr.csv --labels {p}/short.csv --out {p}/out",
     r"4 sample\(s\) without a label"),
    ("benchmark-string-column",
     "benchmark --expression {p}/text.csv --labels {p}/labels.csv --out {p}/out",
     r"'G4' \(e\.g\. 'high'"),
    ("benchmark-duplicate-genes",
     "benchmark --expression {p}/dup.csv --labels {p}/labels.csv --out {p}/out",
     r"occur more than once: 'G0'"),
    ("benchmark-cv-1",
     "benchmark --expression {p}/expr.csv --labels {p}/labels.csv --out {p}/out --cv 1",
     r"cv must be at least 2"),
    ("benchmark-holdout-without-labels",
     "benchmark --expression {p}/expr.csv --labels {p}/labels.csv --out {p}/out "
     "--holdout-expression {p}/expr.csv",
     r"both --holdout-expression and --holdout-labels"),
    ("benchmark-not-a-number", "benchmark --expression a --labels b --out c --cv five",
     r"invalid int value: 'five'"),
    ("benchmark-no-input", "benchmark --out {p}/out", r"give either --expression"),
    ("benchmark-labels-per-expression",
     "benchmark --expression {p}/expr.csv --expression {p}/expr.csv --expression {p}/expr.csv "
     "--labels {p}/labels.csv --labels {p}/labels.csv --out {p}/out",
     r"give --labels once, or once per --expression \(3\); got 2"),
    ("simulate-negative-genes", "simulate --out {p}/c.csv --n-genes -5", r"n_genes"),
    ("simulate-bad-module-effect", "simulate --out {p}/c.csv --module-effect IL6",
     r"--module-effect must look like IL6=0\.3"),
    ("perturb-missing-model",
     "perturb --model {p}/nope.joblib --expression {p}/expr.csv --out {p}/out",
     r"Model file '.*nope\.joblib' does not exist"),
    ("perturb-not-a-model",
     "perturb --model {p}/model.joblib --expression {p}/expr.csv --out {p}/out",
     r"cannot load the model file"),
    ("reproduce-output-is-a-file", "reproduce --out {p}/expr.csv --quick",
     r"exists and is not a folder"),
    # -- simulate --format geo and fit -------------------------------------------------------
    ("simulate-geo-output-is-a-file", "simulate --format geo --out {p}/expr.csv",
     r"exists and is not a folder"),
    ("simulate-geo-with-table-options", "simulate --format geo --out {p}/g --n-ra 5",
     r"--n-ra do\(es\) not apply to --format geo"),
    ("fit-no-input", "fit --model {p}/m.skgenecyt", r"give either --expression"),
    ("fit-existing-model",
     "fit --geo {p}/geo.txt --label-column d --label-map a=1 --model {p}/model.joblib",
     r"model\.joblib' exists; pass --force"),
    ("fit-bad-label-map",
     "fit --geo {p}/geo.txt --label-column d --label-map RA --model {p}/m.skgenecyt",
     r"--label-map must look like 'rheumatoid arthritis=1'; got 'RA'"),
    ("fit-geo-not-a-series-matrix",
     "fit --geo {p}/expr.csv --label-column d --label-map a=1 --model {p}/m.skgenecyt",
     r"no '!series_matrix_table_begin' line"),
    # -- end of the GEO block ---------------------------------------------------------------
    ("unknown-command", "cluster --out x", r"invalid choice: 'cluster'"),
]


@pytest.mark.parametrize(("argv", "match"), [pytest.param(a, m, id=i) for i, a, m in CLI_CASES])
def test_cli_reports_bad_input_in_one_line(argv, match, tmp_path, capsys):
    files = _files(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            status = main(argv.format(p=files).split())
        except SystemExit as exit_:  # argparse's own usage errors
            status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    # Progress lines may come first; the error is the last line, whole.
    assert re.search(match, err.strip().splitlines()[-1]), err
