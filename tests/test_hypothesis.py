"""Property-based tests: random shapes, dtypes and NaN patterns against estimators and loaders.

Every estimator either fits and returns finite output of the right shape, or
raises a ValueError of its own (never from inside torch); any NaN is refused
with a message that says so; enough clean rows always fit. The loaders
round-trip what they are given and name the columns or lines at fault.
Examples are few and networks tiny so the file runs in well under a minute.
"""

import re
import string
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skgenecyt import (
    CytokinePerturbation,
    ExpressionValidator,
    GATClassifier,
    VAETransformer,
    load_expression,
    make_genecytnet,
    read_gmt,
)

FAST = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
FOREIGN = ("/torch/", "/torch_geometric/", "/skorch/")
DTYPES = [np.float32, np.float64, np.int32, np.int64]
NAN_PATTERNS = ["cell", "column", "row", "all"]


@st.composite
def expression(draw, max_samples=10, min_genes=2, max_genes=6):
    """(X, has_nan): an ndarray or a DataFrame with gene names, of a random dtype."""
    n = draw(st.integers(1, max_samples))
    p = draw(st.integers(min_genes, max_genes))
    dtype = draw(st.sampled_from(DTYPES))
    if np.issubdtype(dtype, np.integer):
        elements = st.integers(-1000, 1000)
    else:
        elements = st.floats(-1e3, 1e3, width=32 if dtype == np.float32 else 64)
    values = draw(arrays(dtype, (n, p), elements=elements))
    # Half the examples are clean, half have NaN somewhere.
    pattern = draw(st.one_of(st.just("none"), st.sampled_from(NAN_PATTERNS)))
    if pattern != "none":
        values = values.astype(np.float64)
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, p - 1))
        where = {"cell": (i, j), "column": (slice(None), j), "row": (i, slice(None)),
                 "all": (slice(None), slice(None))}[pattern]
        values[where] = np.nan
    if draw(st.booleans()):
        values = pd.DataFrame(values, columns=[f"G{k}" for k in range(p)])
    return values, pattern != "none"


def _labels(n):
    return np.arange(n) % 2


def _attempt(call):
    """(result, None), or (None, the ValueError raised)."""
    try:
        return call(), None
    except ValueError as exc:
        return None, exc


def _origin(error):
    """The file where an exception was raised."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename


def _constant(X):
    values = np.asarray(X, dtype=np.float64)
    return bool((values == values[:1]).all())


def _check_outcome(fit_and_output, X, has_nan, min_clean_samples, width, may_refuse=None):
    """The property every estimator must have; returns the output when it fitted.

    Clean data with at least ``min_clean_samples`` rows must fit, unless
    ``may_refuse(X)`` says the estimator may refuse it (e.g. constant data).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small-split warnings are expected
        out, error = _attempt(lambda: np.asarray(fit_and_output(X)))
    if error is not None:
        origin = _origin(error)
        assert not any(part in origin for part in FOREIGN), f"{error!r} from {origin}"
        assert str(error).strip()
        if has_nan and len(X) >= min_clean_samples:
            assert "NaN" in str(error)
        elif has_nan:  # too few rows as well: either problem may be reported first
            assert re.search(r"NaN|sample", str(error)), error
        else:
            allowed = len(X) < min_clean_samples or (may_refuse and may_refuse(X))
            assert allowed, f"clean data refused: {error}"
        return None
    assert not has_nan, "NaN input was accepted"
    assert out.shape == (len(X), width)
    assert np.isfinite(out).all()
    return out


@FAST
@given(data=expression())
def test_vae_transformer(data):
    X, has_nan = data
    vae = VAETransformer(n_components=1, hidden_layer_sizes=(4,), max_epochs=2, random_state=0)
    # The VAE refuses data without any variance ("every feature is constant").
    _check_outcome(lambda X: vae.fit(X).transform(X), X, has_nan, 3, 1, may_refuse=_constant)


@FAST
@given(data=expression())
def test_gat_classifier(data):
    X, has_nan = data
    clf = GATClassifier(hidden_channels=4, heads=2, max_epochs=2, random_state=0)
    out = _check_outcome(lambda X: clf.fit(X, _labels(len(X))).predict_proba(X),
                         X, has_nan, 3, 2)
    if out is not None:
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)


@FAST
@given(data=expression(), shift=st.floats(-3, 3))
def test_cytokine_perturbation_changes_only_its_module(data, shift):
    X, has_nan = data
    perturb = CytokinePerturbation(module="M", modules={"M": [0]}, shift=shift)
    # Shifts are in SD units, which need two samples at least.
    out = _check_outcome(lambda X: perturb.fit(X).transform(X), X, has_nan, 2, X.shape[1])
    if out is not None:
        np.testing.assert_array_equal(out[:, 1:], np.asarray(X, dtype=np.float64)[:, 1:])


@FAST
@given(data=expression())
def test_expression_validator_passes_clean_data_unchanged(data):
    X, has_nan = data
    out = _check_outcome(lambda X: ExpressionValidator().fit(X).transform(X), X, has_nan, 2,
                         X.shape[1])
    if out is not None:
        np.testing.assert_array_equal(out, np.asarray(X, dtype=np.float64))


@settings(FAST, max_examples=10)
@given(data=expression(max_samples=12, min_genes=3))
def test_genecytnet_pipeline(data):
    X, has_nan = data
    model = make_genecytnet(random_state=0, select__k=2, vae__n_components=1,
                            vae__hidden_layer_sizes=(4,), vae__max_epochs=2,
                            gat__hidden_channels=4, gat__heads=2, gat__max_epochs=2)
    _check_outcome(lambda X: model.fit(X, _labels(len(X))).predict_proba(X), X, has_nan, 3, 2,
                   may_refuse=_constant)


# -- loaders ------------------------------------------------------------------------------

GENE = st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=8)


@FAST
@given(data=expression(), names=st.lists(GENE, min_size=6, max_size=6))
def test_load_expression_checks_and_round_trips(data, names):
    X, has_nan = data
    frame = pd.DataFrame(np.asarray(X, dtype=np.float64), index=[f"s{i}" for i in range(len(X))])
    frame.columns = names[: frame.shape[1]]
    repeated = frame.columns[frame.columns.duplicated()].unique()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if has_nan:
            bad = frame.columns[frame.isna().any()][0]
            with pytest.raises(ValueError, match=f"NaN or infinite values.*{bad!r}"):
                load_expression(frame)
        elif len(repeated):
            with pytest.raises(ValueError, match=f"occur more than once: {str(repeated[0])!r}"):
                load_expression(frame)
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "expr.csv"
                frame.to_csv(path)
                loaded = load_expression(path).X
            pd.testing.assert_frame_equal(loaded, frame, check_exact=False, rtol=1e-12)


GENE_SETS = st.dictionaries(
    GENE.filter(lambda name: not name.startswith("#")),
    st.lists(GENE, min_size=1, max_size=5),
    min_size=1, max_size=4,
)


@FAST
@given(gene_sets=GENE_SETS)
def test_read_gmt_round_trips(gene_sets):
    text = "".join(f"{name}\tdescription\t" + "\t".join(genes) + "\n"
                   for name, genes in gene_sets.items())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sets.gmt"
        path.write_text(text)
        read = read_gmt(path)
    assert read == {name: list(dict.fromkeys(genes)) for name, genes in gene_sets.items()}


@FAST
@given(lines=st.lists(st.text(string.ascii_letters + "\t #", max_size=20), max_size=5))
def test_read_gmt_accepts_or_names_the_line(lines):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sets.gmt"
        path.write_text("\n".join(lines))
        read, error = _attempt(lambda: read_gmt(path))
    if error is not None:
        assert ", line " in str(error)
    else:
        assert all(isinstance(genes, list) and genes for genes in read.values())
