"""labels_from_metadata and combine_cohorts: labels from GEO metadata, cohorts on shared genes."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skgenecyt import CohortWarning, combine_cohorts, labels_from_metadata

META = pd.DataFrame(
    {"disease state": ["Rheumatoid Arthritis", " healthy control", "osteoarthritis",
                       "rheumatoid arthritis", "RA (early)", None],
     "title": list("abcdef")},
    index=[f"GSM{i}" for i in range(1, 7)],
)
MAP = {"rheumatoid arthritis": 1, "Healthy Control": 0, "osteoarthritis": None}


# -- labels_from_metadata ------------------------------------------------------------------------

def test_labels_compare_stripped_and_case_folded_values():
    with pytest.warns(CohortWarning) as record:
        y = labels_from_metadata(META, "disease state", MAP)
    assert y.to_dict() == {"GSM1": 1, "GSM2": 0, "GSM4": 1}
    assert y.dtype == np.int64
    assert y.name == "disease state"
    message = next(str(w.message) for w in record if issubclass(w.category, CohortWarning))
    # the unmapped values and their counts; not the explicitly dropped osteoarthritis
    assert message.startswith("2 of 6 sample(s) left out")
    assert "'RA (early)' (1)" in message
    assert "'<missing>' (1)" in message
    assert "osteoarthritis" not in message


def test_values_mapped_to_none_are_dropped_without_a_warning():
    mapping = {**MAP, "ra (early)": 1}
    meta = META.dropna()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CohortWarning)
        y = labels_from_metadata(meta, "Disease State ", mapping)  # column matched loosely
    assert y.index.tolist() == ["GSM1", "GSM2", "GSM4", "GSM5"]


def test_text_labels_and_unused_keys():
    with pytest.warns(CohortWarning, match=r"mapping keys that match no sample: 'psoriasis'"):
        y = labels_from_metadata(META, "disease state", {"rheumatoid arthritis": "RA",
                                                         "psoriasis": "PsA"})
    assert y.tolist() == ["RA", "RA"]


def test_a_mapping_that_matches_nothing_lists_the_values():
    with pytest.raises(ValueError, match=r"No sample has a label: none of the values of "
                                         r"'disease state' \('Rheumatoid Arthritis' \(1\), .*"
                                         r"maps to a label in 'ra', 'control'"):
        labels_from_metadata(META, "disease state", {"RA": 1, "control": 0})


def test_an_unknown_column_lists_the_columns():
    with pytest.raises(ValueError, match=r"no column 'disease'; its columns are: "
                                         r"'disease state', 'title'"):
        labels_from_metadata(META, "disease", MAP)


def test_conflicting_keys_are_refused():
    with pytest.raises(ValueError, match=r"gives 'ra' two labels \(1 and 0\)"):
        labels_from_metadata(META, "disease state", {"RA": 1, " ra": 0})


def test_labels_parameters_are_validated():
    with pytest.raises(TypeError, match=r"'mapping' parameter of labels_from_metadata"):
        labels_from_metadata(META, "disease state", [("RA", 1)])


# -- combine_cohorts ------------------------------------------------------------------------------

def _cohort(genes, n, seed, prefix):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(8.0, 2.0, (n, len(genes))), columns=genes,
                     index=[f"{prefix}{i}" for i in range(n)])
    return X, pd.Series(np.arange(n) % 2, index=X.index)


GENES = [f"G{i}" for i in range(40)]


def test_cohorts_are_combined_on_their_shared_genes():
    a = _cohort(GENES, 6, 0, "A")
    b = _cohort(GENES[5:][::-1], 4, 1, "B")  # other order, 5 genes fewer
    combined = combine_cohorts({"GSE1": a, "GSE2": b})
    assert list(combined.X.columns) == GENES[5:]  # the first cohort's order
    assert combined.X.shape == (10, 35)
    pd.testing.assert_frame_equal(combined.X.loc["B0":], b[0][GENES[5:]])
    assert combined.groups.tolist() == ["GSE1"] * 6 + ["GSE2"] * 4
    assert combined.y.index.equals(combined.X.index)
    assert combined.coverage.loc["GSE1"].tolist() == [6, 0, 40, 35, 35 / 40]
    assert combined.duplicates.empty


def test_a_label_series_selects_the_rows():
    X, y = _cohort(GENES, 6, 0, "A")
    combined = combine_cohorts({"GSE1": (X, y.iloc[[4, 1]]), "GSE2": _cohort(GENES, 3, 1, "B")})
    assert combined.X.index.tolist()[:2] == ["A4", "A1"]
    assert combined.coverage.loc["GSE1", "n_samples_dropped"] == 4
    with pytest.raises(ValueError, match=r"'GSE1': 1 label\(s\) for samples that are not rows of "
                                         r"X: 'Z9'"):
        combine_cohorts({"GSE1": (X, pd.Series([1], index=["Z9"]))})


def test_too_few_shared_genes_are_refused():
    a = _cohort(GENES, 4, 0, "A")
    b = _cohort(GENES[:15] + [f"ENSG{i}" for i in range(25)], 4, 1, "B")
    with pytest.raises(ValueError, match=r"share 15 gene\(s\), 38% of the 40 genes of 'GSE1'.*"
                                         r"min_shared=0\.5"):
        combine_cohorts({"GSE1": a, "GSE2": b})
    assert combine_cohorts({"GSE1": a, "GSE2": b}, min_shared=0.3).X.shape == (8, 15)


def test_the_same_sample_in_two_cohorts_is_named():
    a = _cohort(GENES, 5, 0, "A")
    b = _cohort(GENES, 5, 1, "B")
    X_b = b[0].copy()
    X_b.iloc[2] = a[0].iloc[3] * 1.01 + 0.2  # re-deposited: rescaled, r = 1
    X_b = X_b.rename(index={"B4": "A0"})  # and one id reused
    with pytest.warns(CohortWarning, match=r"2 pair\(s\) of samples .*GSE1:A0 and GSE2:A0 "
                                           r"\(same id\), GSE1:A3 and GSE2:B2 \(r = 1\.0000\).*"
                                           r"index is '<cohort>:<sample id>'"):
        combined = combine_cohorts({"GSE1": a, "GSE2": (X_b, b[1].set_axis(X_b.index))})
    assert combined.duplicates["reason"].tolist() == ["same sample id", "correlated"]
    assert "GSE2:A0" in combined.X.index
    assert combined.X.index.is_unique


def test_distinct_samples_are_not_reported_and_the_threshold_is_a_parameter():
    a, b = _cohort(GENES, 5, 0, "A"), _cohort(GENES, 5, 1, "B")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CohortWarning)
        assert combine_cohorts({"GSE1": a, "GSE2": b}).duplicates.empty
    expected = (np.corrcoef(a[0], b[0])[:5, 5:] >= 0.1).sum()  # Pearson across genes
    assert 0 < expected < 25
    with pytest.warns(CohortWarning, match=rf"^{expected} pair"):
        found = combine_cohorts({"GSE1": a, "GSE2": b}, duplicate_correlation=0.1).duplicates
    np.testing.assert_allclose(
        found["correlation"],
        [np.corrcoef(a[0].loc[r.sample_a], b[0].loc[r.sample_b])[0, 1]
         for r in found.itertuples()])


def test_cohort_input_errors():
    X, y = _cohort(GENES, 4, 0, "A")
    with pytest.raises(ValueError, match=r"cohorts is empty"):
        combine_cohorts({})
    with pytest.raises(TypeError, match=r"X of cohort 'GSE1' must be a pandas DataFrame"):
        combine_cohorts({"GSE1": (X.to_numpy(), y)})
    with pytest.raises(TypeError, match=r"Cohort 'GSE1' must be a pair \(X, y\)"):
        combine_cohorts({"GSE1": X})
    with pytest.raises(ValueError, match=r"y given as an array must hold one label per row of X "
                                         r"\(4\), got 3"):
        combine_cohorts({"GSE1": (X, [0, 1, 0])})
    with pytest.raises(ValueError, match=r"Cohort 'GSE1' repeats gene names: 'G0'"):
        combine_cohorts({"GSE1": (X.set_axis(["G0", *GENES[1:-1], "G0"], axis=1), y)})
    with pytest.raises(ValueError, match=r"labels mix numbers and text"):
        combine_cohorts({"GSE1": (X, y), "GSE2": (X.rename(index=str.lower),
                                                  y.map({0: "c", 1: "RA"}).set_axis(
                                                      X.index.str.lower()))})
    with pytest.raises(ValueError, match=r"'min_shared' parameter of combine_cohorts"):
        combine_cohorts({"GSE1": (X, y)}, min_shared=2)
