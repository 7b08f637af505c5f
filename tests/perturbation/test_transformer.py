"""CytokinePerturbation changes only the module's genes, by the requested amount."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from skgenecyt.datasets import LowCoverageWarning, load_cytokine_modules
from skgenecyt.perturbation import CytokinePerturbation


def _split(X, module_genes):
    inside = X.columns.isin(module_genes)
    return inside, ~inside


@pytest.mark.parametrize("shift", [-1.5, 0.5, 2.0])
def test_shift_moves_module_genes_by_training_sd(toy, shift):
    pert = CytokinePerturbation(module="A", modules=toy.modules, shift=shift).fit(toy.X)
    out = pert.transform(toy.X_test)
    inside, outside = _split(toy.X, toy.modules["A"])
    sd = toy.X.loc[:, inside].std(ddof=0).to_numpy()
    np.testing.assert_allclose(out.loc[:, inside] - toy.X_test.loc[:, inside],
                               np.broadcast_to(shift * sd, (len(out), 5)))
    pd.testing.assert_frame_equal(out.loc[:, outside], toy.X_test.loc[:, outside])


def test_scale_multiplies_deviations_from_training_mean(toy):
    pert = CytokinePerturbation(module="B", modules=toy.modules, mode="scale", shift=1.0)
    out = pert.fit(toy.X).transform(toy.X_test)
    inside, outside = _split(toy.X, toy.modules["B"])
    mean = toy.X.loc[:, inside].mean().to_numpy()
    np.testing.assert_allclose(out.loc[:, inside] - mean, 2.0 * (toy.X_test.loc[:, inside] - mean))
    pd.testing.assert_frame_equal(out.loc[:, outside], toy.X_test.loc[:, outside])


@pytest.mark.parametrize("fraction", [1.0, 0.5])
def test_knockout_moves_towards_training_low_quantile(toy, fraction):
    pert = CytokinePerturbation(module="A", modules=toy.modules, mode="knockout",
                                shift=fraction, knockout_quantile=0.1)
    out = pert.fit(toy.X).transform(toy.X_test)
    inside, outside = _split(toy.X, toy.modules["A"])
    low = toy.X.loc[:, inside].quantile(0.1).to_numpy()
    before = toy.X_test.loc[:, inside].to_numpy()
    np.testing.assert_allclose(out.loc[:, inside], before + fraction * (low - before))
    pd.testing.assert_frame_equal(out.loc[:, outside], toy.X_test.loc[:, outside])


def test_set_to_moves_to_reference_group_mean(toy):
    pert = CytokinePerturbation(module="A", modules=toy.modules, mode="set_to")
    out = pert.fit(toy.X, toy.y).transform(toy.X_test)
    inside, outside = _split(toy.X, toy.modules["A"])
    control_mean = toy.X.loc[toy.y == 0, inside].mean().to_numpy()
    np.testing.assert_allclose(out.loc[:, inside], np.broadcast_to(control_mean, (len(out), 5)))
    pd.testing.assert_frame_equal(out.loc[:, outside], toy.X_test.loc[:, outside])
    # An explicit reference class picks the other group.
    pert_ra = CytokinePerturbation(module="A", modules=toy.modules, mode="set_to",
                                   reference_class=1).fit(toy.X, toy.y)
    np.testing.assert_allclose(pert_ra.target_, toy.X.loc[toy.y == 1, inside].mean())


@pytest.mark.parametrize("mode", ["shift", "scale", "knockout", "set_to"])
def test_zero_shift_is_identity(toy, mode):
    pert = CytokinePerturbation(module="A", modules=toy.modules, mode=mode, shift=0.0)
    out = pert.fit(toy.X, toy.y).transform(toy.X_test)
    np.testing.assert_allclose(out, toy.X_test)


def test_dataframe_index_columns_and_feature_names_kept(toy):
    pert = CytokinePerturbation(module="A", modules=toy.modules).fit(toy.X)
    out = pert.transform(toy.X_test)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(toy.X_test.index)
    assert out.columns.equals(toy.X_test.columns)
    assert list(pert.get_feature_names_out()) == list(toy.X.columns)
    assert pert.genes_ == toy.modules["A"]


def test_set_output_pandas_names_array_output():
    X = np.arange(12.0).reshape(4, 3)
    pert = CytokinePerturbation(module="m", modules={"m": [1]}).set_output(transform="pandas")
    out = pert.fit_transform(X)
    assert list(out.columns) == ["x0", "x1", "x2"]


def test_index_modules_work_on_arrays_and_keep_dtype():
    X = np.random.default_rng(0).normal(size=(30, 6)).astype(np.float32)
    pert = CytokinePerturbation(module="m", modules={"m": [0, -1]}, shift=1.0)
    out = pert.fit_transform(X)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[:, 1:5], X[:, 1:5])
    np.testing.assert_allclose(out[:, [0, 5]] - X[:, [0, 5]], np.broadcast_to(
        X[:, [0, 5]].std(axis=0), (30, 2)), rtol=1e-5)


def test_module_given_as_gene_list_and_subset(toy):
    direct = CytokinePerturbation(module=["G0", "G1"]).fit(toy.X)
    assert direct.module_name_ == "custom"
    assert direct.genes_ == ["G0", "G1"]
    subset = CytokinePerturbation(module="A", modules=toy.modules, subset=["G1", "G0"]).fit(toy.X)
    np.testing.assert_allclose(subset.transform(toy.X_test), direct.transform(toy.X_test))


def test_statistics_come_from_fit_rows_only(toy):
    pert = CytokinePerturbation(module="A", modules=toy.modules).fit(toy.X)
    np.testing.assert_allclose(pert.scale_, toy.X[toy.modules["A"]].std(ddof=0))
    np.testing.assert_allclose(pert.loc_, toy.X[toy.modules["A"]].mean())
    other = CytokinePerturbation(module="A", modules=toy.modules).fit(toy.X_test)
    assert not np.allclose(pert.scale_, other.scale_)


def test_coverage_reports_missing_genes_and_warns_when_low(toy):
    modules = {"partial": ["G0", "G1", "NOPE1"], "low": ["G2", "NOPE2", "NOPE3"]}
    pert = CytokinePerturbation(module="partial", modules=modules).fit(toy.X)
    assert pert.missing_genes_ == ["NOPE1"]
    assert pert.coverage_ == pytest.approx(2 / 3)
    with pytest.warns(LowCoverageWarning, match="low"):
        CytokinePerturbation(module="low", modules=modules).fit(toy.X)


def test_builtin_modules_and_gmt_files(toy, tmp_path):
    il6 = load_cytokine_modules()["IL6"]
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(20, 8)),
                     columns=[*il6[:5], "GAPDH", "ACTB", "XIST"])
    with pytest.warns(LowCoverageWarning):  # 5 of the module's genes only
        pert = CytokinePerturbation().fit(X)  # defaults: IL6 from the built-in modules
    assert pert.genes_ == il6[:5]
    assert pert.n_features_in_ == 8
    gmt = tmp_path / "mods.gmt"
    gmt.write_text("MYSET\tdesc\tGAPDH\tACTB\tMISSING\n")
    assert CytokinePerturbation(module="MYSET", modules=gmt).fit(X).genes_ == ["GAPDH", "ACTB"]


def test_clear_errors(toy):
    with pytest.raises(ValueError, match="Unknown module 'IL99'"):
        CytokinePerturbation(module="IL99", modules=toy.modules).fit(toy.X)
    with pytest.raises(ValueError, match="No gene of module 'X'"):
        CytokinePerturbation(module="X", modules={"X": ["NOPE"]}).fit(toy.X)
    with pytest.raises(ValueError, match="no gene names"):
        CytokinePerturbation(module="A", modules=toy.modules).fit(toy.X.to_numpy())
    with pytest.raises(ValueError, match="not in module 'A'"):
        CytokinePerturbation(module="A", modules=toy.modules, subset=["G50"]).fit(toy.X)
    with pytest.raises(ValueError, match="needs labels"):
        CytokinePerturbation(module="A", modules=toy.modules, mode="set_to").fit(toy.X)
    with pytest.raises(ValueError, match="outside the data"):
        CytokinePerturbation(module="m", modules={"m": [200]}).fit(toy.X)
    with pytest.raises(ValueError, match="mode"):
        CytokinePerturbation(module="A", modules=toy.modules, mode="boost").fit(toy.X)
    with pytest.raises(NotFittedError):
        CytokinePerturbation().transform(toy.X)
    pert = CytokinePerturbation(module="A", modules=toy.modules).fit(toy.X)
    with pytest.raises(ValueError, match="feature names"):
        pert.transform(toy.X_test.rename(columns={"G70": "OTHER"}))
