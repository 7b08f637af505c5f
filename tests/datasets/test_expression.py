"""Tests of load_expression."""

import gzip
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from skgenecyt.datasets import RawCountsWarning, load_expression

GENES = ["SOCS3", "STAT3", "NFKBIA", "TNFAIP3", "IL1RN"]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    samples = [f"S{i:02d}" for i in range(8)]
    X = pd.DataFrame(rng.normal(7, 2, size=(8, 5)), index=samples, columns=GENES)
    y = pd.Series([0, 1, 0, 1, 1, 0, 1, 0], index=samples, name="label")
    return X, y


def _assert_same(loaded, X):
    pd.testing.assert_frame_equal(loaded, X, check_exact=False, rtol=1e-12, check_names=False)


@pytest.mark.parametrize("name", ["x.csv", "x.csv.gz", "x.tsv", "x.tsv.gz", "x.txt", "x.TSV"])
def test_round_trip_text(tmp_path, data, name):
    X, y = data
    sep = "," if ".csv" in name else "\t"
    X.to_csv(tmp_path / name, sep=sep)
    y.to_csv(tmp_path / "labels.csv")
    bunch = load_expression(tmp_path / name, tmp_path / "labels.csv")
    _assert_same(bunch.X, X)
    assert bunch.X.dtypes.eq(np.float64).all()
    pd.testing.assert_series_equal(bunch.y, y)
    assert bunch.source == str(tmp_path / name)


def test_round_trip_genes_as_rows_text_and_parquet(tmp_path, data):
    X, y = data
    X.T.to_csv(tmp_path / "x.tsv.gz", sep="\t")
    X.T.to_parquet(tmp_path / "x.parquet")
    for name in ["x.tsv.gz", "x.parquet"]:
        X_loaded, y_loaded = load_expression(
            str(tmp_path / name), y, genes_as_rows=True, return_X_y=True
        )
        _assert_same(X_loaded, X)
        pd.testing.assert_series_equal(y_loaded, y)


def test_round_trip_parquet_index_or_id_column(tmp_path, data):
    X, _ = data
    X.to_parquet(tmp_path / "a.parquet")
    X.rename_axis("sample").reset_index().to_parquet(tmp_path / "b.pq")
    for name in ["a.parquet", "b.pq"]:
        _assert_same(load_expression(tmp_path / name).X, X)


def test_header_without_corner_cell(tmp_path, data):
    X, _ = data
    lines = ["\t".join(GENES)] + [
        "\t".join([sample, *map(str, row)]) for sample, row in zip(X.index, X.to_numpy())
    ]
    (tmp_path / "r.tsv").write_text("\n".join(lines) + "\n")
    _assert_same(load_expression(tmp_path / "r.tsv").X, X)


def test_numeric_sample_ids_in_files_match_labels(tmp_path, data):
    X, y = data
    X.index = y.index = range(101, 109)
    X.to_csv(tmp_path / "x.csv")
    y.to_csv(tmp_path / "y.csv")
    bunch = load_expression(tmp_path / "x.csv", tmp_path / "y.csv")
    assert bunch.X.index.tolist() == [str(i) for i in range(101, 109)]
    assert bunch.y.tolist() == y.tolist()


def test_labels_as_column_of_table(tmp_path, data):
    X, y = data
    table = X.assign(status=y.map({0: "control", 1: "RA"}))
    table.to_csv(tmp_path / "x.csv")
    for source in (table, tmp_path / "x.csv"):
        X_loaded, y_loaded = load_expression(source, "status", return_X_y=True)
        _assert_same(X_loaded, X)
        assert y_loaded.name == "status"
        assert y_loaded.tolist() == table["status"].tolist()
    assert "status" in table.columns  # the caller's frame is not modified


def test_labels_series_reordered_and_array(data):
    X, y = data
    shuffled = y.iloc[::-1]
    pd.testing.assert_series_equal(load_expression(X, shuffled).y, y)
    from_array = load_expression(X, y.to_numpy()).y
    assert from_array.index.equals(X.index)
    assert from_array.tolist() == y.tolist()


def test_label_file_column_detection(tmp_path, data):
    X, y = data
    table = pd.DataFrame({"id": y.index, "age": 50, "Diagnosis": y.to_numpy(), "x": 1})
    table.to_csv(tmp_path / "many.tsv", sep="\t", index=False)
    assert load_expression(X, tmp_path / "many.tsv").y.tolist() == y.tolist()
    assert load_expression(X, tmp_path / "many.tsv", label_column="age").y.eq(50).all()
    with pytest.raises(ValueError, match="no column 'nope'"):
        load_expression(X, tmp_path / "many.tsv", label_column="nope")
    table.drop(columns="Diagnosis").to_csv(tmp_path / "none.csv", index=False)
    with pytest.raises(ValueError, match=r"Cannot tell which column.*label_column"):
        load_expression(X, tmp_path / "none.csv")
    # headerless two-column file whose first cell is a sample id
    y.to_csv(tmp_path / "plain.txt", sep="\t", header=False)
    loaded = load_expression(X, str(tmp_path / "plain.txt")).y
    assert loaded.tolist() == y.tolist()
    assert loaded.dtype.kind == "i"


def test_label_mismatch_lists_both_directions(data):
    X, y = data
    labels = y.rename({"S00": "T00", "S07": "T07"})
    with pytest.raises(ValueError, match="Labels do not match") as info:
        load_expression(X, labels)
    message = str(info.value)
    assert "2 sample(s) without a label: 'S00', 'S07'" in message
    assert "2 label(s) for unknown samples: 'T00', 'T07'" in message
    with pytest.raises(ValueError, match="missing label: 'S03'"):
        load_expression(X, y.astype(float).where(y.index != "S03"))
    with pytest.raises(ValueError, match="one value per sample"):
        load_expression(X, [0, 1])
    with pytest.raises(ValueError, match="Label sample ids must be unique"):
        load_expression(X, pd.concat([y, y.iloc[:1]]))


def test_non_numeric_values_name_column_and_example(data):
    X, _ = data
    bad = X.astype(object)
    bad.loc["S02", "STAT3"] = "high"
    bad["flag"] = True
    with pytest.raises(ValueError, match="2 column") as info:
        load_expression(bad)
    message = str(info.value)
    assert "'STAT3' (e.g. 'high' for sample 'S02')" in message
    assert "'flag'" in message
    # numbers stored as text are converted
    _assert_same(load_expression(X.astype(str)).X, X)


def test_nan_and_inf_name_columns(tmp_path, data):
    X, _ = data
    X = X.copy()
    X.loc["S01", "SOCS3"] = np.nan
    X.loc["S03", "IL1RN"] = np.inf
    X.to_csv(tmp_path / "x.csv")
    for source in (X, tmp_path / "x.csv"):
        with pytest.raises(ValueError, match="2 column") as info:
            load_expression(source)
        message = str(info.value)
        assert "'SOCS3' (1 NaN)" in message
        assert "'IL1RN' (1 inf)" in message
        assert "NFKBIA" not in message


def test_duplicate_gene_names(tmp_path, data):
    X, _ = data
    X = X.set_axis(["SOCS3", "STAT3", "SOCS3", "TNFAIP3", "STAT3"], axis=1)
    X.to_csv(tmp_path / "x.csv")  # the header keeps the repeated names
    repeated = r"2 gene name\(s\) occur more than once: 'SOCS3', 'STAT3'"
    with pytest.raises(ValueError, match=repeated):
        load_expression(tmp_path / "x.csv")
    first = load_expression(tmp_path / "x.csv", duplicates="first").X
    assert first.columns.tolist() == ["SOCS3", "STAT3", "TNFAIP3"]
    np.testing.assert_allclose(first["SOCS3"], X.iloc[:, 0])
    mean = load_expression(X, duplicates="mean").X
    assert mean.columns.tolist() == ["SOCS3", "STAT3", "TNFAIP3"]
    np.testing.assert_allclose(mean["STAT3"], (X.iloc[:, 1] + X.iloc[:, 4]) / 2)
    with pytest.raises(ValueError, match="'duplicates' parameter of load_expression must be a str"):
        load_expression(X, duplicates="last")


def test_duplicate_sample_ids(data):
    X, _ = data
    with pytest.raises(ValueError, match="Sample ids must be unique; repeated: 'S00'"):
        load_expression(pd.concat([X, X.iloc[:1]]))


def test_raw_counts_warning(data):
    X, _ = data
    counts = (2 ** X).round()
    with pytest.warns(RawCountsWarning, match="raw counts"):
        load_expression(counts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_expression(X)
        load_expression(X.round())  # integers, but small: log scale


def test_missing_files_and_bad_inputs(tmp_path, data):
    X, _ = data
    with pytest.raises(FileNotFoundError, match=r"Expression file not found: .*nope\.csv"):
        load_expression(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError, match=r"Labels file not found: .*y\.tsv"):
        load_expression(X, str(tmp_path / "y.tsv"))
    with pytest.raises(ValueError, match="neither a column"):
        load_expression(X, "disease")
    (tmp_path / "x.xlsx").write_text("")
    with pytest.raises(ValueError, match="Cannot tell the format"):
        load_expression(tmp_path / "x.xlsx")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="empty"):
        load_expression(tmp_path / "empty.csv")
    with pytest.raises(ValueError, match="empty"):
        load_expression(X.iloc[:0])
    with pytest.raises(TypeError, match="expression must be"):
        load_expression(X.to_numpy())


def test_gzip_is_really_read(tmp_path, data):
    X, _ = data
    with gzip.open(tmp_path / "x.csv.gz", "wt") as handle:
        X.to_csv(handle)
    _assert_same(load_expression(tmp_path / "x.csv.gz").X, X)


def test_anndata_in_memory_and_h5ad(tmp_path, data):
    anndata = pytest.importorskip("anndata")
    sparse = pytest.importorskip("scipy.sparse")
    X, y = data
    adata = anndata.AnnData(
        X=sparse.csr_matrix(X.to_numpy()),
        obs=pd.DataFrame({"disease": y.to_numpy()}, index=X.index),
        var=pd.DataFrame(index=GENES),
        layers={"doubled": X.to_numpy() * 2},
    )
    bunch = load_expression(adata, "disease")
    _assert_same(bunch.X, X)
    assert bunch.y.tolist() == y.tolist()
    assert bunch.source == "AnnData"
    _assert_same(load_expression(adata, layer="doubled").X, X * 2)
    with pytest.raises(ValueError, match="no layer 'raw'"):
        load_expression(adata, layer="raw")
    adata.write_h5ad(tmp_path / "x.h5ad")
    X_loaded, y_loaded = load_expression(tmp_path / "x.h5ad", "disease", return_X_y=True)
    _assert_same(X_loaded, X)
    assert y_loaded.tolist() == y.tolist()


def test_h5ad_without_anndata_installed(tmp_path, monkeypatch):
    (tmp_path / "x.h5ad").write_bytes(b"")
    monkeypatch.setitem(sys.modules, "anndata", None)  # makes `import anndata` fail
    with pytest.raises(ImportError, match=r"pip install 'skgenecyt\[anndata\]'"):
        load_expression(tmp_path / "x.h5ad")


@pytest.mark.parametrize("name", ["cohort.csv.gz", "cohort.tsv", "cohort.parquet"])
def test_round_trip_synthetic_cohort(tmp_path, name):
    from skgenecyt.datasets import make_ra_cohort, match_modules

    cohort = make_ra_cohort(
        n_ra=10, n_control=6, n_holdout_ra=4, n_holdout_control=4, n_genes=300, random_state=0
    )
    path = tmp_path / name
    if name.endswith(".parquet"):
        cohort.X.to_parquet(path)
    else:
        cohort.X.to_csv(path, sep="\t" if ".tsv" in name else ",")
    cohort.y.to_csv(tmp_path / "labels.csv")
    X, y = load_expression(path, tmp_path / "labels.csv", return_X_y=True)
    pd.testing.assert_frame_equal(X, cohort.X, check_dtype=False, rtol=1e-6)
    pd.testing.assert_series_equal(y, cohort.y, check_dtype=False)
    matched, coverage = match_modules(cohort.modules, X)
    assert matched == cohort.modules
    assert coverage["coverage"].eq(1.0).all()
