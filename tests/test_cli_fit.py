"""The command line for GEO data: simulate --format geo, fit, and perturb on the fitted model."""

import gzip
import json
import re

import numpy as np
import pandas as pd
import pytest

from skgenecyt import CohortWarning, load_model, read_geo_series_matrix
from skgenecyt.cli import main

LABEL_OPTIONS = ["--label-column", "disease state", "--label-map", "rheumatoid arthritis=1",
                 "--label-map", "healthy control=0"]


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def failing(argv, capsys):
    code, _, err = run(argv, capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith(f"skgenecyt {argv[0]}: error: "), err
    assert "Traceback" not in err
    return lines[-1]


@pytest.fixture(scope="module")
def geo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("geo") / "studies"
    code = main(["simulate", "--format", "geo", "--n-studies", "2", "--n-samples", "24",
                 "--n-genes", "300", "--random-state", "2", "--out", str(folder), "--quiet"])
    assert code == 0
    return folder


def _series(folder):
    return sorted(folder.glob("*_series_matrix.txt.gz"))


def test_simulate_geo_writes_series_and_one_annotation(geo_folder):
    names = sorted(p.name for p in geo_folder.iterdir())
    assert names == ["GPLSIM_annotation.txt", "GSESIM1_series_matrix.txt.gz",
                     "GSESIM2_series_matrix.txt.gz"]
    with pytest.warns(CohortWarning, match="took log2"):
        geo = read_geo_series_matrix(_series(geo_folder)[0],
                                     geo_folder / "GPLSIM_annotation.txt")
    assert geo.X.shape[0] == 24
    assert set(geo.metadata["disease state"]) == {"rheumatoid arthritis", "healthy control"}
    assert geo.n_probes_multi_symbol > 0
    assert geo.n_probes_no_symbol == 5
    assert geo.n_probes_collapsed > 0


def test_simulate_geo_refuses_a_non_empty_folder_and_other_format_options(geo_folder, tmp_path,
                                                                        capsys):
    before = {p.name: p.read_bytes() for p in geo_folder.iterdir()}
    assert "not empty" in failing(["simulate", "--format", "geo", "--out", geo_folder], capsys)
    assert {p.name: p.read_bytes() for p in geo_folder.iterdir()} == before
    assert "--n-ra do(es) not apply to --format geo" in failing(
        ["simulate", "--format", "geo", "--n-ra", "10", "--out", tmp_path / "g"], capsys)
    assert "--n-studies do(es) not apply to --format table" in failing(
        ["simulate", "--n-studies", "2", "--out", tmp_path / "c.csv"], capsys)
    assert not (tmp_path / "g").exists()


def test_fit_from_geo_then_perturb(geo_folder, tmp_path, capsys):
    model_file = tmp_path / "model.skgenecyt"
    data_file = tmp_path / "cohort.tsv.gz"
    argv = ["fit", *[a for path in _series(geo_folder) for a in ("--geo", path)],
            "--annotation", geo_folder / "GPLSIM_annotation.txt", *LABEL_OPTIONS,
            "--model", model_file, "--expression-out", data_file]
    with pytest.warns(CohortWarning, match="took log2"):
        code, out, err = run(argv, capsys)
    assert code == 0, err
    assert out.split() == [str(model_file), str(data_file), str(tmp_path / "cohort.labels.csv")]
    assert "GSESIM1: 24 samples, 24 labelled" in err
    assert "2 series combined on their" in err
    model = load_model(model_file)
    X = pd.read_csv(data_file, sep="\t", index_col=0)
    assert list(model.feature_names_in_) == list(X.columns)
    proba = model.predict_proba(X)
    assert proba.shape == (48, 2)
    assert np.isfinite(proba).all()

    # the saved model and the written table are what 'skgenecyt perturb' reads
    out_dir = tmp_path / "perturb"
    code, _, err = run(["perturb", "--model", model_file, "--expression", data_file,
                        "--labels", tmp_path / "cohort.labels.csv", "--on", "ra",
                        "--out", out_dir, "--n-null", "5", "--n-bootstrap", "20", "--quiet"],
                       capsys)
    assert code == 0, err
    results = json.loads((out_dir / "results.json").read_text())
    assert [r["module"] for r in results["perturbation_effects"]] == ["IL6", "TNF", "IL1B"]


def test_fit_refuses_to_overwrite_a_model_before_reading_data(tmp_path, capsys):
    model_file = tmp_path / "model.skgenecyt"
    model_file.write_text("keep me")
    message = failing(["fit", "--geo", tmp_path / "nope.txt.gz", *LABEL_OPTIONS,
                       "--model", model_file], capsys)
    assert "exists; pass --force" in message
    assert model_file.read_text() == "keep me"


def test_fit_from_an_expression_file_and_force(geo_folder, tmp_path, capsys):
    from skgenecyt import make_ra_cohort

    cohort = make_ra_cohort(n_ra=16, n_control=14, n_holdout_ra=0, n_holdout_control=0,
                            n_genes=200, random_state=0)
    cohort.X.to_csv(tmp_path / "x.csv")
    cohort.y.to_frame().to_csv(tmp_path / "y.csv")
    model_file = tmp_path / "model.skgenecyt"
    model_file.write_text("old")
    argv = ["fit", "--expression", tmp_path / "x.csv", "--labels", tmp_path / "y.csv",
            "--model", model_file, "--quiet"]
    assert "exists" in failing(argv, capsys)
    code, out, err = run([*argv, "--force"], capsys)
    assert code == 0, err
    assert out.strip() == str(model_file)
    assert load_model(model_file).predict(cohort.X).shape == (30,)


def test_missing_values_need_a_choice(geo_folder, tmp_path, capsys):
    series = _series(geo_folder)[0]
    lines = gzip.decompress(series.read_bytes()).decode().splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith('"SIM00001_at"'))
    fields = lines[row].split("\t")
    lines[row] = "\t".join([fields[0], "null", *fields[2:]])
    damaged = tmp_path / "GSE1_series_matrix.txt"
    damaged.write_text("\n".join(lines) + "\n")
    argv = ["fit", "--geo", damaged, "--annotation", geo_folder / "GPLSIM_annotation.txt",
            *LABEL_OPTIONS, "--model", tmp_path / "m.skgenecyt", "--quiet"]
    with pytest.warns(CohortWarning):
        message = failing(argv, capsys)
    assert "1 gene(s) have missing values (e.g. " in message
    assert "--drop-missing-genes" in message
    with pytest.warns(CohortWarning):
        code, _, err = run([*argv, "--drop-missing-genes"], capsys)
    assert code == 0, err
    assert (tmp_path / "m.skgenecyt").is_file()


@pytest.mark.parametrize(("extra", "match"), [
    (["--expression", "x.csv", "--geo", "s.txt"], r"either --expression .* or --geo"),
    ([], r"either --expression"),
    (["--geo", "s.txt"], r"--geo needs --label-column and --label-map"),
    (["--geo", "s.txt", "--label-column", "d", "--label-map", "RA"],
     r"--label-map must look like 'rheumatoid arthritis=1'; got 'RA'"),
    (["--expression", "x.csv", "--labels", "y.csv", "--label-map", "a=1"],
     r"--label-map go\(es\) with --geo, not --expression"),
    (["--geo", "s.txt", "--labels", "y.csv", *LABEL_OPTIONS],
     r"--labels go\(es\) with --expression, not --geo"),
    (["--expression", "x.csv"], r"--expression needs --labels"),
    (["--geo", "a.txt", "--geo", "b.txt", "--geo", "c.txt", "--annotation", "1",
      "--annotation", "2", *LABEL_OPTIONS], r"give --annotation once, or once per --geo \(3\)"),
])
def test_fit_option_errors(tmp_path, capsys, extra, match):
    message = failing(["fit", "--model", tmp_path / "m.skgenecyt", *extra], capsys)
    assert re.search(match, message), message


def test_fit_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--geo", "--annotation", "--label-map", "--model", "--force"):
        assert option in text
