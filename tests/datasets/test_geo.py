"""read_geo_series_matrix: GEO's layout, annotations, probe rules, the log rule, clear errors."""

import gzip

import numpy as np
import pandas as pd
import pytest

from skgenecyt import CohortWarning, read_geo_series_matrix
from skgenecyt.datasets._geo import _quantile_above

SAMPLES = ["GSM11", "GSM12", "GSM13"]
# probe -> values (log2 scale); p1/p2 share SOCS3 (p2 has the higher mean), p3 two genes,
# p4 no symbol, p5 IL6 alone, p6 not in the annotation.
ROWS = {
    "p1": [7.0, 7.5, 8.0],
    "p2": [9.0, 9.0, 9.0],
    "p3": [5.0, 5.0, 5.0],
    "p4": [3.0, 3.0, 3.0],
    "p5": [6.0, 6.5, 7.5],
    "p6": [2.0, 2.0, 2.0],
}
SYMBOLS = {"p1": "SOCS3", "p2": "SOCS3", "p3": "IL6 /// IL6R", "p4": "---", "p5": "IL6"}


def series_text(rows=ROWS, samples=SAMPLES, *, header=None, platforms=None, end=True,
                format_value=str):
    """A GEO series matrix as text."""
    quoted = "\t".join(f'"{s}"' for s in samples)
    lines = header if header is not None else [
        '!Series_title\t"A test series"',
        '!Series_geo_accession\t"GSE99"',
        '!Series_platform_id\t"GPL9"',
        '!Series_contributor\t"A,,One"',
        '!Series_contributor\t"B,,Two"',
        "!Sample_title\t" + "\t".join(f'"sample {i}"' for i in range(len(samples))),
        f"!Sample_geo_accession\t{quoted}",
        "!Sample_source_name_ch1\t" + "\t".join(['"synovium"'] * len(samples)),
        '!Sample_characteristics_ch1\t"disease state: RA"\t"disease state: control"\t'
        '"disease state: RA"',
        '!Sample_characteristics_ch1\t"age: 61"\t"treatment: MTX"\t"age: 55"',
        '!Sample_characteristics_ch1\t"treatment: MTX"\t"treatment: steroid"\t"smoker"',
        "!Sample_platform_id\t" + "\t".join(
            f'"{p}"' for p in (platforms or ["GPL9"] * len(samples))),
    ]
    table = [f'"ID_REF"\t{quoted}']
    table += [f'"{probe}"\t' + "\t".join(format_value(v) for v in values)
              for probe, values in rows.items()]
    return "\n".join([*lines, "!series_matrix_table_begin", *table]) + "\n" + (
        "!series_matrix_table_end\n" if end else "")


def annotation_table(symbols=SYMBOLS, id_name="ID", symbol_name="Gene Symbol"):
    return pd.DataFrame({id_name: list(symbols), symbol_name: list(symbols.values())})


@pytest.fixture
def files(tmp_path):
    (tmp_path / "GSE99_series_matrix.txt").write_text(series_text())
    annotation_table().to_csv(tmp_path / "annotation.tsv", sep="\t", index=False)
    return tmp_path


def read(path, annotation=None, **kwargs):
    return read_geo_series_matrix(path, annotation, **kwargs)


# -- the file and its metadata ------------------------------------------------------------------

def test_probes_map_to_genes_by_the_documented_rules(files):
    geo = read(files / "GSE99_series_matrix.txt", files / "annotation.tsv")
    assert list(geo.X.index) == SAMPLES
    assert list(geo.X.columns) == ["SOCS3", "IL6"]  # order of the first probe
    np.testing.assert_array_equal(geo.X["SOCS3"], ROWS["p2"])  # the higher mean
    np.testing.assert_array_equal(geo.X["IL6"], ROWS["p5"])
    counts = {k: geo[k] for k in ("n_probes", "n_genes", "n_probes_collapsed",
                                  "n_probes_multi_symbol", "n_probes_no_symbol",
                                  "n_probes_not_in_annotation")}
    assert counts == {"n_probes": 6, "n_genes": 2, "n_probes_collapsed": 1,
                      "n_probes_multi_symbol": 1, "n_probes_no_symbol": 1,
                      "n_probes_not_in_annotation": 1}
    assert geo.probes["status"].to_dict() == {
        "p1": "collapsed", "p2": "kept", "p3": "multi_symbol", "p4": "no_symbol",
        "p5": "kept", "p6": "not_in_annotation"}
    assert geo.probes.loc["p3", "symbol"] == "IL6 /// IL6R"
    assert geo.X.dtypes.eq(np.float64).all()
    assert (geo.annotated, geo.log_transformed, geo.collapse) == (True, False, "max_mean")


def test_metadata_has_one_column_per_characteristic_key(files):
    geo = read(files / "GSE99_series_matrix.txt", files / "annotation.tsv")
    meta = geo.metadata
    assert list(meta.index) == SAMPLES
    assert list(meta.columns) == ["title", "source", "disease state", "age", "treatment",
                                  "treatment_2", "characteristics"]
    assert meta["disease state"].tolist() == ["RA", "control", "RA"]
    assert meta.loc["GSM12", "treatment"] == "MTX"  # a key on another line for this sample
    assert meta["treatment"].tolist() == ["MTX", "MTX", None]
    assert meta["treatment_2"].tolist() == [None, "steroid", None]  # GSM12's second one
    assert meta.loc["GSM13", "characteristics"] == "smoker"  # no "key:"
    assert meta.loc["GSM11", "source"] == "synovium"
    assert (geo.accession, geo.platform) == ("GSE99", "GPL9")
    assert geo.series["title"] == "A test series"
    assert geo.series["contributor"] == ["A,,One", "B,,Two"]


def test_a_key_repeated_for_one_sample_is_suffixed(tmp_path):
    header = [
        '!Sample_geo_accession\t"GSM1"\t"GSM2"',
        '!Sample_characteristics_ch1\t"treatment: MTX"\t"treatment: none"',
        '!Sample_characteristics_ch1\t"treatment: TNF inhibitor"\t""',
        '!Sample_characteristics_ch1\t"treatment: steroid"\t"title: x"',
    ]
    path = tmp_path / "s.txt"
    path.write_text(series_text({"p1": [1.0, 2.0]}, ["GSM1", "GSM2"], header=header))
    with pytest.warns(CohortWarning, match="no annotation"):
        meta = read(path).metadata
    assert meta.loc["GSM1", ["treatment", "treatment_2", "treatment_3"]].tolist() == [
        "MTX", "TNF inhibitor", "steroid"]
    assert meta.loc["GSM2", "treatment"] == "none"
    assert pd.isna(meta.loc["GSM2", "treatment_2"])
    assert meta.loc["GSM2", "title_2"] == "x"  # never overwrites the title column


def test_gzip_is_read_and_recognised_by_content(files):
    text = (files / "GSE99_series_matrix.txt").read_bytes()
    (files / "GSE99_series_matrix.txt.gz").write_bytes(gzip.compress(text))
    (files / "renamed.txt").write_bytes(gzip.compress(text))
    plain = read(files / "GSE99_series_matrix.txt", files / "annotation.tsv")
    for name in ("GSE99_series_matrix.txt.gz", "renamed.txt"):
        pd.testing.assert_frame_equal(read(files / name, files / "annotation.tsv").X, plain.X)


def test_windows_line_endings_and_a_byte_order_mark(files):
    text = (files / "GSE99_series_matrix.txt").read_text()
    path = files / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    geo = read(path, files / "annotation.tsv")
    expected = read(files / "GSE99_series_matrix.txt", files / "annotation.tsv")
    pd.testing.assert_frame_equal(geo.X, expected.X)
    pd.testing.assert_frame_equal(geo.metadata, expected.metadata)
    assert geo.series["title"] == "A test series"


def test_missing_values_are_counted_and_kept(tmp_path):
    rows = {"p1": ["null", "7.0", ""], "p2": ["5.0", "5.0", "5.0"], "p5": ["NA", "1", "2"]}
    path = tmp_path / "s.txt"
    path.write_text(series_text(rows))
    geo = read(path, annotation_table(), collapse="mean")
    assert geo.n_missing == 3
    # mean ignores NaN: SOCS3 = mean(p1, p2) per sample
    np.testing.assert_allclose(geo.X["SOCS3"], [5.0, 6.0, 5.0])
    assert np.isnan(geo.X.loc["GSM11", "IL6"])


def test_numeric_probe_ids_stay_text(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text(series_text({"0012": [1.0, 2.0, 3.0], "12": [4.0, 5.0, 6.0]}))
    geo = read(path, pd.DataFrame({"ID": ["0012", "12"], "SYMBOL": ["A", "B"]}))
    assert list(geo.X.columns) == ["A", "B"]
    assert list(geo.probes.index) == ["0012", "12"]


def test_without_annotation_probes_are_columns_with_a_warning(files):
    with pytest.warns(CohortWarning, match=r"no annotation: the columns are probe ids.*GPL9"):
        geo = read(files / "GSE99_series_matrix.txt")
    assert list(geo.X.columns) == list(ROWS)
    assert geo.annotated is False
    assert geo.n_genes is None
    assert geo.n_probes_collapsed == 0


# -- collapse rules ---------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "expected"), [
    ("max_mean", [3.0, 3.0, 3.0, 3.0]),  # highest mean: p_b
    ("max_var", [0.0, 4.0, 0.0, 4.0]),  # highest variance: p_c
    ("mean", [1.0, 7 / 3, 1.0, 7 / 3]),
])
def test_collapse_rules(tmp_path, rule, expected):
    rows = {"p_a": [0.0, 0.0, 0.0, 0.0], "p_b": [3.0, 3.0, 3.0, 3.0],
            "p_c": [0.0, 4.0, 0.0, 4.0]}
    samples = ["G1", "G2", "G3", "G4"]
    header = ['!Sample_geo_accession\t' + "\t".join(samples)]
    path = tmp_path / "s.txt"
    path.write_text(series_text(rows, samples, header=header))
    geo = read(path, pd.DataFrame({"ID": list(rows), "SYMBOL": ["G"] * 3}), collapse=rule)
    np.testing.assert_allclose(geo.X["G"], expected)
    assert geo.n_probes_collapsed == 2
    assert geo.n_genes == 1


def test_ties_and_probes_without_values(tmp_path):
    rows = {"q1": ["null", "null"], "q2": ["2", "2"], "q3": ["2", "2"]}
    header = ['!Sample_geo_accession\t"A"\t"B"']
    path = tmp_path / "s.txt"
    path.write_text(series_text(rows, ["A", "B"], header=header))
    geo = read(path, pd.DataFrame({"ID": list(rows), "SYMBOL": ["G"] * 3}))
    assert geo.probes["status"].tolist() == ["collapsed", "kept", "collapsed"]  # first of a tie


# -- the log rule ------------------------------------------------------------------------------

def test_linear_values_are_logged_with_a_warning(tmp_path):
    path = tmp_path / "s.txt"
    linear = {p: [2.0**v for v in values] for p, values in ROWS.items()}
    linear["p6"] = [0.0, -3.0, 1000.0]
    path.write_text(series_text(linear))
    with pytest.warns(CohortWarning, match=r"GSE99: the values look linear by GEO2R's rule.*"
                                           r"took log2; 2 value\(s\) <= 0"):
        geo = read(path, annotation_table())
    assert geo.log_transformed
    assert geo.n_nonpositive == 2
    np.testing.assert_allclose(geo.X["SOCS3"], ROWS["p2"])
    with pytest.warns(CohortWarning, match="no annotation"):
        probes = read(path).X
    assert probes["p6"].isna().tolist() == [True, True, False]


def test_log_values_are_left_alone_and_log_can_be_forced(files):
    geo = read(files / "GSE99_series_matrix.txt", files / "annotation.tsv")  # no warning
    assert not geo.log_transformed
    forced = read(files / "GSE99_series_matrix.txt", files / "annotation.tsv", log=True)
    np.testing.assert_allclose(forced.X, np.log2(geo.X))
    assert forced.log_transformed


def test_log_false_keeps_linear_values(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text(series_text({p: [2.0**v for v in vals] for p, vals in ROWS.items()}))
    geo = read(path, annotation_table(), log=False)
    np.testing.assert_allclose(geo.X["IL6"], [64.0, 2**6.5, 2**7.5])


@pytest.mark.parametrize(("values", "linear"), [
    (np.r_[np.full(98, 5.0), 101.0, 150.0], True),  # q99 above 100
    (np.r_[np.full(98, 5.0), 90.0, 99.0], True),  # range > 50 and q25 > 0
    (np.r_[np.full(98, 5.0), 40.0, 50.0], False),  # log-like
    (np.r_[np.zeros(30), np.full(68, 5.0), 60.0, 90.0], False),  # q25 = 0
])
def test_geo2r_rule(tmp_path, values, linear):
    from skgenecyt.datasets._geo import _geo2r_says_log

    assert _geo2r_says_log(values.reshape(10, 10))[0] is linear


def test_counting_gives_the_quantile_decision():
    rng = np.random.default_rng(0)
    for _ in range(500):
        values = np.round(rng.normal(100, 3, rng.integers(1, 60)))
        for q in (0.25, 0.99):
            for threshold in (0.0, 99.0, 100.0, 101.0):
                assert _quantile_above(values, q, threshold) == (
                    np.quantile(values, q) > threshold)


# -- annotations -------------------------------------------------------------------------------

SOFT_HEADER = "^PLATFORM = GPL9\n!Platform_title = A platform\n!Platform_geo_accession = GPL9\n"


@pytest.mark.parametrize("kind", ["soft", "soft.gz", "annot", "full_table", "bioconductor",
                                  "frame_index"])
def test_annotation_formats(files, kind):
    table = annotation_table()
    path = files / f"GPL9.{kind}"
    if kind.startswith("soft"):
        text = (SOFT_HEADER + "!platform_table_begin\n"
                + table.to_csv(sep="\t", index=False) + "!platform_table_end\n")
        path.write_bytes(gzip.compress(text.encode()) if kind.endswith("gz") else text.encode())
        annotation = path
    elif kind == "annot":  # GEO's .annot files say "Gene symbol"
        text = ("^Annotation\n!Annotation_platform = GPL9\n!platform_table_begin\n"
                + annotation_table(symbol_name="Gene symbol").to_csv(sep="\t", index=False)
                + "!platform_table_end\n")
        path.write_text(text)
        annotation = path
    elif kind == "full_table":
        path.write_text("#ID = Affymetrix probe set id\n#Gene Symbol = symbol\n"
                        + table.assign(GB_ACC="X1").to_csv(sep="\t", index=False))
        annotation = path
    elif kind == "bioconductor":  # R's write.csv: quoted, a probe once per gene
        rows = [("p1", "SOCS3"), ("p2", "SOCS3"), ("p3", "IL6"), ("p3", "IL6R"), ("p4", "NA"),
                ("p5", "IL6")]
        path = files / "GPL9_bioconductor.csv"
        path.write_text('"PROBEID","SYMBOL"\n' + "".join(f'"{a}","{b}"\n' for a, b in rows))
        annotation = path
    else:
        annotation = table.set_index("ID")
    geo = read(files / "GSE99_series_matrix.txt", annotation)
    assert list(geo.X.columns) == ["SOCS3", "IL6"]
    assert (geo.n_probes_multi_symbol, geo.n_probes_no_symbol) == (1, 1)


def test_column_overrides(files):
    table = pd.DataFrame({"probe": list(SYMBOLS), "hgnc": list(SYMBOLS.values()),
                          "Symbol": "WRONG"})
    geo = read(files / "GSE99_series_matrix.txt", table, id_column="probe",
               symbol_column="hgnc")
    assert list(geo.X.columns) == ["SOCS3", "IL6"]
    with pytest.raises(ValueError, match=r"no column 'gene' \(given as symbol_column\); its "
                                         r"columns are: 'probe', 'hgnc', 'Symbol'"):
        read(files / "GSE99_series_matrix.txt", table, id_column="probe", symbol_column="gene")


def test_annotation_without_a_symbol_column_lists_its_columns(files):
    table = pd.DataFrame({"ID": list(SYMBOLS), "GB_ACC": "X", "ENTREZ_GENE_ID": "1"})
    with pytest.raises(ValueError, match=r"no recognisable gene symbol column; its columns "
                                         r"are: 'ID', 'GB_ACC', 'ENTREZ_GENE_ID'"):
        read(files / "GSE99_series_matrix.txt", table)


def test_annotation_of_another_platform_is_refused(files):
    text = (SOFT_HEADER.replace("GPL9", "GPL570") + "!platform_table_begin\n"
            + annotation_table().to_csv(sep="\t", index=False) + "!platform_table_end\n")
    (files / "GPL570.soft").write_text(text)
    with pytest.raises(ValueError, match=r"for platform GPL570, but GSE99 is on platform GPL9"):
        read(files / "GSE99_series_matrix.txt", files / "GPL570.soft")


def test_annotation_matching_no_probe_is_refused(files):
    with pytest.raises(ValueError, match=r"None of the 6 probe ids of GSE99 .* is in the "
                                         r"annotation"):
        read(files / "GSE99_series_matrix.txt", annotation_table({"x1": "A", "x2": "B"}))


def test_truncated_platform_table(files):
    (files / "GPL9.soft").write_text(SOFT_HEADER + "!platform_table_begin\nID\tSymbol\np1\tA\n")
    with pytest.raises(ValueError, match=r"line 4 has no '!platform_table_end' line"):
        read(files / "GSE99_series_matrix.txt", files / "GPL9.soft")


# -- errors, each naming where -----------------------------------------------------------------

def _write(tmp_path, text, name="bad.txt"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_truncated_table(tmp_path):
    path = _write(tmp_path, series_text(end=False))
    with pytest.raises(ValueError, match=r"table that begins on line 13 has no "
                                         r"'!series_matrix_table_end' line \(the file ends at "
                                         r"line 20\): the file is truncated"):
        read(path)


def test_truncated_gzip(tmp_path):
    data = gzip.compress(series_text().encode())
    (tmp_path / "cut.txt.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"truncated or damaged gzip file"):
        read(tmp_path / "cut.txt.gz")


def test_not_a_series_matrix(tmp_path):
    path = _write(tmp_path, "ID\tSymbol\np1\tA\n")
    with pytest.raises(ValueError, match=r"no '!series_matrix_table_begin' line: it is not a "
                                         r"GEO series matrix"):
        read(path)


@pytest.mark.parametrize(("row", "found"), [("1.0\t2.0", 3), ("1.0\t2.0\t3.0\t4.0", 5)])
@pytest.mark.parametrize(("probe", "line"), [("p4", 18), ("p1", 15)])  # also the first row
def test_rows_with_the_wrong_number_of_fields(tmp_path, row, found, probe, line):
    values = "\t".join(map(str, ROWS[probe]))
    text = series_text().replace(f'"{probe}"\t{values}', f'"{probe}"\t{row}')
    with pytest.raises(ValueError, match=rf"bad\.txt', line {line}: {found} fields, but the "
                                         r"table header \(line 14\) has 4"):
        read(_write(tmp_path, text))


def test_non_numeric_value_names_line_and_sample(tmp_path):
    text = series_text().replace('"p5"\t6.0\t6.5', '"p5"\t6.0\thigh')
    with pytest.raises(ValueError, match=r"line 19: sample 'GSM12' holds 'high' for probe "
                                         r"'p5', which is not a number"):
        read(_write(tmp_path, text))


def test_infinite_value_names_line_and_sample(tmp_path):
    text = series_text().replace('"p2"\t9.0\t9.0\t9.0', '"p2"\t9.0\t9.0\tinf')
    with pytest.raises(ValueError, match=r"line 16: sample 'GSM13' holds an infinite value"):
        read(_write(tmp_path, text))


def test_duplicate_sample_ids(tmp_path):
    text = series_text().replace('"ID_REF"\t"GSM11"\t"GSM12"\t"GSM13"',
                                 '"ID_REF"\t"GSM11"\t"GSM12"\t"GSM11"')
    with pytest.raises(ValueError, match=r"line 14: sample id 'GSM11' occurs twice in the table "
                                         r"header \(columns 2 and 4\)"):
        read(_write(tmp_path, text))
    listed = series_text().replace('!Sample_geo_accession\t"GSM11"\t"GSM12"\t"GSM13"',
                                   '!Sample_geo_accession\t"GSM11"\t"GSM11"\t"GSM13"')
    with pytest.raises(ValueError, match=r"line 7: sample id\(s\) 'GSM11' occur more than "
                                         r"once in !Sample_geo_accession"):
        read(_write(tmp_path, listed))


def test_duplicate_probe_ids(tmp_path):
    text = series_text().replace('"p4"', '"p1"')
    with pytest.raises(ValueError, match=r"probe id 'p1' occurs on lines 15 and 18"):
        read(_write(tmp_path, text))


def test_series_spanning_platforms(tmp_path):
    text = series_text(platforms=["GPL96", "GPL97", "GPL96"])
    with pytest.raises(ValueError, match=r"spans several platforms \(GPL96: 2 sample\(s\), "
                                         r"GPL97: 1 sample\(s\); !Sample_platform_id on line "
                                         r"12\)"):
        read(_write(tmp_path, text))
    header = ['!Series_platform_id\t"GPL96"', '!Series_platform_id\t"GPL97"']
    with pytest.raises(ValueError, match=r"spans several platforms \(GPL96, GPL97\)"):
        read(_write(tmp_path, series_text(header=header)))


def test_sample_lines_must_match_the_table(tmp_path):
    short = series_text().replace('!Sample_source_name_ch1\t"synovium"\t"synovium"\t"synovium"',
                                  '!Sample_source_name_ch1\t"synovium"')
    with pytest.raises(ValueError, match=r"line 8: !Sample_source_name_ch1 has 1 value\(s\) "
                                         r"for 3 samples"):
        read(_write(tmp_path, short))
    other = series_text().replace('"ID_REF"\t"GSM11"', '"ID_REF"\t"GSM99"')
    with pytest.raises(ValueError, match=r"1 listed but without a column \('GSM11'\), 1 "
                                         r"columns not listed \('GSM99'\)"):
        read(_write(tmp_path, other))


def test_empty_table(tmp_path):
    text = series_text(rows={})
    with pytest.raises(ValueError, match=r"line 14: the table has no probe rows"):
        read(_write(tmp_path, text))


def test_parameters_are_validated(files):
    with pytest.raises(ValueError, match=r"'collapse' parameter of read_geo_series_matrix"):
        read(files / "GSE99_series_matrix.txt", collapse="median")
    with pytest.raises(ValueError, match=r"'log' parameter of read_geo_series_matrix"):
        read(files / "GSE99_series_matrix.txt", log="yes")
    with pytest.raises(FileNotFoundError, match=r"Series matrix file not found"):
        read(files / "nope.txt")
    with pytest.raises(FileNotFoundError, match=r"Annotation file not found"):
        read(files / "GSE99_series_matrix.txt", files / "nope.tsv")
