import warnings

import numpy as np
import pandas as pd
import pytest

from skgenecyt import ExpressionValidator, RawCountsWarning


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(5, 1, size=(12, 4)), columns=["IL6", "TNF", "IL1B", "CXCL8"],
                        index=[f"s{i}" for i in range(12)])


def test_values_pass_through_unchanged(frame):
    out = ExpressionValidator().fit_transform(frame)
    np.testing.assert_array_equal(out, frame.to_numpy())
    float32 = frame.astype(np.float32)
    assert ExpressionValidator().fit(float32).transform(float32).dtype == np.float32


def test_gene_names_flow_through(frame):
    checker = ExpressionValidator().set_output(transform="pandas").fit(frame)
    assert list(checker.feature_names_in_) == list(frame.columns)
    assert list(checker.transform(frame).columns) == list(frame.columns)


def test_text_column_is_named(frame):
    bad = frame.astype(object)
    bad.loc["s3", "TNF"] = "n/a"
    with pytest.raises(ValueError, match=r"'TNF' \(e\.g\. 'n/a' for sample 's3'\)"):
        ExpressionValidator().fit(bad)


def test_numbers_stored_as_text_are_accepted(frame):
    as_text = frame.astype(str)
    out = ExpressionValidator().fit_transform(as_text)
    np.testing.assert_allclose(out, frame.to_numpy())


def test_nan_and_overflow_name_the_genes(frame):
    bad = frame.copy()
    bad.loc["s0", "IL1B"] = np.nan
    bad.loc["s1", "CXCL8"] = 1e39
    with pytest.raises(ValueError, match=r"'IL1B' \(1 NaN\), 'CXCL8' \(1 beyond float32\)"):
        ExpressionValidator().fit(bad)


def test_missing_gene_at_predict_time_is_named(frame):
    checker = ExpressionValidator().fit(frame)
    with pytest.raises(ValueError, match=r"missing:\n- IL1B"):
        checker.transform(frame.drop(columns="IL1B"))


def test_counts_warn_at_fit_and_at_transform(frame):
    counts = np.round(2 ** frame * 20)
    with pytest.warns(RawCountsWarning, match="look like raw counts"):
        ExpressionValidator().fit(counts)
    checker = ExpressionValidator().fit(frame)
    with pytest.warns(RawCountsWarning, match="look like raw counts"):
        checker.transform(counts)


def test_log_values_do_not_warn(frame):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ExpressionValidator().fit(frame).transform(frame)
        # Integers below 100 (e.g. rounded log values) are not counts either.
        ExpressionValidator().fit(np.round(frame))


def test_one_sample_cannot_be_fitted_but_can_be_checked(frame):
    with pytest.raises(ValueError, match="1 sample"):
        ExpressionValidator().fit(frame.iloc[:1])
    assert ExpressionValidator().fit(frame).transform(frame.iloc[:1]).shape == (1, 4)


def test_inverse_transform_is_the_identity(frame):
    checker = ExpressionValidator().fit(frame)
    np.testing.assert_array_equal(checker.inverse_transform(frame.to_numpy()), frame.to_numpy())
    with pytest.raises(ValueError, match="3 features, but ExpressionValidator is expecting 4"):
        checker.inverse_transform(frame.to_numpy()[:, :3])
