"""make_ra_studies and write_geo_studies: the study effects, and GEO files that read back."""

import numpy as np
import pandas as pd
import pytest

from skgenecyt import (
    CohortWarning,
    combine_cohorts,
    labels_from_metadata,
    make_ra_studies,
    read_geo_series_matrix,
    write_geo_studies,
)

LABELS = {"rheumatoid arthritis": 1, "healthy control": 0}


@pytest.fixture(scope="module")
def studies():
    return make_ra_studies(n_studies=3, n_genes=600, random_state=7)


def test_shapes_groups_and_design(studies):
    design = studies.design
    assert design.index.tolist() == ["GSESIM1", "GSESIM2", "GSESIM3"]
    assert design["platform"].tolist() == ["GPLSIM1", "GPLSIM2", "GPLSIM3"]
    assert design["n_samples"].between(20, 60).all()
    assert (design["n_ra"] + design["n_control"] == design["n_samples"]).all()
    assert design["ra_fraction"].between(0.35, 0.9).all()
    assert (design["n_missing_genes"] == 60).all()
    assert len(studies.X) == design["n_samples"].sum()
    assert studies.groups.value_counts().reindex(design.index).tolist() == \
        design["n_samples"].tolist()
    for name, (X, y) in studies.cohorts.items():
        assert X.shape == (design.loc[name, "n_samples"], 540)
        assert not set(X.columns) & set(studies.missing_genes[name])
        assert y.sum() == design.loc[name, "n_ra"]
    assert studies.X.index.is_unique
    assert not studies.X.isna().any().any()


def test_combined_table_is_combine_cohorts_of_the_studies(studies):
    combined = combine_cohorts(studies.cohorts)
    pd.testing.assert_frame_equal(studies.X, combined.X)
    assert studies.y.tolist() == combined.y.tolist()
    assert studies.groups.tolist() == combined.groups.tolist()


def test_the_study_effects_follow_the_documented_model(studies):
    design = studies.design
    # Median log2 levels differ by about the studies' log2 intensity scales.
    medians = studies.X.groupby(studies.groups).median().median(axis=1)
    assert np.corrcoef(medians, design["intensity_scale"])[0, 1] > 0.9
    for name, (X, _) in studies.cohorts.items():
        scale, background = design.loc[name, ["intensity_scale", "background"]]
        # The background floor and the scanner ceiling bound every value.
        assert X.to_numpy().min() >= scale + np.log2(background) - 1e-9
        assert X.to_numpy().max() <= scale + np.log2(65535.0)
    # Gene slopes and offsets have the documented spread.
    slopes = studies.gene_slopes.to_numpy()
    assert slopes.min() > 0.8 * np.exp(-0.5)  # 5 SDs of the gene-wise log slope
    assert slopes.max() < 1.0 * np.exp(0.5)
    assert 0.45 < studies.gene_offsets.to_numpy().std() < 0.55
    assert 0.3 < studies.composition_shifts.to_numpy().std() < 0.7


def test_the_intensity_scale_is_a_log2_shift_per_study():
    base = make_ra_studies(n_studies=2, n_genes=300, random_state=5)
    doubled = make_ra_studies(n_studies=2, n_genes=300, random_state=5, intensity_scale_sd=1.6)
    shift = doubled.design["intensity_scale"] - base.design["intensity_scale"]
    np.testing.assert_allclose(shift, base.design["intensity_scale"])  # the same draws, x2
    difference = doubled.X - base.X
    for name in shift.index:
        np.testing.assert_allclose(difference[base.groups == name], shift[name])


def test_studies_do_not_depend_on_how_many_there_are():
    two = make_ra_studies(n_studies=2, n_genes=400, random_state=3)
    three = make_ra_studies(n_studies=3, n_genes=400, random_state=3)
    for name in two.cohorts:
        pd.testing.assert_frame_equal(two.cohorts[name][0], three.cohorts[name][0])
    again = make_ra_studies(n_studies=2, n_genes=400, random_state=3)
    pd.testing.assert_frame_equal(two.X, again.X)


def test_magnitudes_are_parameters():
    plain = make_ra_studies(n_studies=2, n_samples=[10, 14], n_genes=400, random_state=0,
                            ra_fraction=[0.5, 0.25], intensity_scale_sd=0, probe_effect_sd=0,
                            composition_shift_sd=0, missing_genes=0)
    assert plain.design["n_ra"].tolist() == [5, 4]
    assert (plain.design["intensity_scale"] == 0).all()
    assert (plain.gene_offsets.to_numpy() == 0).all()
    assert plain.X.shape == (24, 400)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"n_studies": 0}, ValueError, r"'n_studies' parameter of make_ra_studies must be an int "
                                   r"in the range \[1, inf\)"),
    ({"n_samples": 3}, ValueError, r"'n_samples' parameter .* range \[4, inf\).*Got 3"),
    ({"n_samples": [20, 30]}, ValueError, r"n_samples must have one value per study \(3\), "
                                          r"got 2"),
    ({"n_samples": [20, 30, 3]}, ValueError, r"n_samples\[2\] must be .*\[4, inf\); got 3"),
    ({"ra_fraction": 1.0}, ValueError, r"'ra_fraction' parameter .* range \(0\.0, 1\.0\)"),
    ({"ra_fraction": [0.5, 0.5, 0.0]}, ValueError, r"ra_fraction\[2\] must be .*\(0\.0, 1\.0\)"),
    ({"missing_genes": 1.0}, ValueError, r"'missing_genes' parameter .* range \[0\.0, 1\.0\)"),
    ({"intensity_scale_sd": "big"}, TypeError, r"'intensity_scale_sd' parameter .* float"),
    ({"n_genes": 50}, ValueError, r"n_genes=50 is smaller than the 122 genes"),
])
def test_parameter_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_ra_studies(**{"n_genes": 400, **kwargs})


# -- GEO files -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def geo_files(studies, tmp_path_factory):
    return write_geo_studies(studies, tmp_path_factory.mktemp("geo"), random_state=1)


def _read(path, annotation):
    with pytest.warns(CohortWarning, match=r"values look linear .* took log2"):
        return read_geo_series_matrix(path, annotation)


def test_geo_files_read_back_the_log2_values_and_labels(studies, geo_files):
    for name, path in geo_files.series.items():
        assert path.name == f"{name}_series_matrix.txt.gz"
        geo = _read(path, geo_files.annotation)
        X, y = studies.cohorts[name]
        assert geo.accession == name
        assert geo.platform == studies.design.loc[name, "platform"]
        assert geo.X.shape == X.shape
        assert set(geo.X.columns) == set(X.columns)
        back = geo.X.loc[X.index, X.columns]
        correlations = [np.corrcoef(back.loc[s], X.loc[s])[0, 1] for s in X.index]
        assert min(correlations) >= 0.99
        assert np.abs(back - X).to_numpy().max() < 0.01  # three decimals of 2 ** X
        labels = labels_from_metadata(geo.metadata, "disease state", LABELS)
        pd.testing.assert_series_equal(labels, y, check_names=False)


def test_geo_probe_counts_are_as_designed(studies, geo_files):
    probes = geo_files.probes
    n_genes = len(studies.gene_offsets.columns)
    assert (probes["kind"] == "main").sum() == n_genes
    assert 0.05 * n_genes < (probes["kind"] == "extra").sum() < 0.2 * n_genes
    assert (probes["kind"] == "multi_symbol").sum() > 0
    assert (probes["kind"] == "control").sum() == 6  # at least 5, one per 100 genes
    assert probes.loc[probes["kind"] == "multi_symbol", "symbol"].str.contains(" /// ").all()
    for name, path in geo_files.series.items():
        geo = _read(path, geo_files.annotation)
        expected = geo_files.counts.loc[name]
        for field in expected.index:
            assert geo[field] == expected[field], field
        assert geo.n_probes_not_in_annotation == 0
        assert geo.n_probes == (geo.n_genes + geo.n_probes_collapsed
                                + geo.n_probes_multi_symbol + geo.n_probes_no_symbol)


def test_write_geo_studies_wants_studies(tmp_path):
    from skgenecyt import make_ra_cohort

    cohort = make_ra_cohort(n_ra=4, n_control=4, n_holdout_ra=0, n_holdout_control=0,
                            n_genes=200, random_state=0)
    with pytest.raises(ValueError, match=r"output of make_ra_studies; it lacks 'cohorts'"):
        write_geo_studies(cohort, tmp_path)
    with pytest.raises(TypeError, match=r"'studies' parameter of write_geo_studies"):
        write_geo_studies([cohort], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_geo_files_are_not_overwritten_by_default(studies, geo_files):
    folder = geo_files.annotation.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(FileExistsError, match=r"already holds 'GSESIM1_series_matrix"):
        write_geo_studies(studies, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    again = write_geo_studies(studies, folder, random_state=1, overwrite=True)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # reproducible bytes
    assert again.counts.equals(geo_files.counts)
