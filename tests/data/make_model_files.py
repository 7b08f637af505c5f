"""Write the model files that ``tests/persistence/test_model_files.py`` loads.

Do not regenerate these files casually: they are the compatibility contract.
``model_files/format<N>/`` holds models written by a release that writes model
file format ``N``, with their outputs on ``model_files/input.csv``; every later
release must keep loading them and giving the same outputs. When
``skgenecyt.persistence.FORMAT_VERSION`` is raised, run this script once with
the new code to add the new ``format<N>/`` folder beside the existing ones.
The script refuses to touch a folder that exists: never replace or edit one,
and never change ``input.csv``.

Usage (from the repository root)::

    python tests/data/make_model_files.py

The script uses only the public API, so it runs under any release. The
``format1`` folder was written by commit 908104f, the last release of format 1
(its source unpacked with ``git archive 908104f skgenecyt`` and put first on
``PYTHONPATH``); ``format2`` by the release that introduced format 2. The
versions of everything that wrote a file are in its metadata
(``skgenecyt.persistence.model_metadata``).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from skgenecyt import CytokinePerturbation, make_genecytnet, save_model
from skgenecyt.persistence import FORMAT_VERSION

HERE = Path(__file__).resolve().parent / "model_files"
INPUT = HERE / "input.csv"
GENES = [f"G{i}" for i in range(10)]


def write_input():
    """24 samples of 10 log-scale genes, the last 12 (label 1) shifted in G0-G2."""
    rng = np.random.default_rng(20260101)
    y = np.repeat([0, 1], 12)
    X = 6.0 + rng.normal(size=(len(y), len(GENES)))
    X[y == 1, :3] += 1.5
    frame = pd.DataFrame(X, columns=GENES, index=[f"s{i}" for i in range(len(y))])
    frame.insert(0, "label", y)
    frame.to_csv(INPUT, index_label="sample")


def read_input():
    """The expression table and labels, as the tests read them."""
    frame = pd.read_csv(INPUT, index_col="sample")
    return frame.drop(columns="label"), frame["label"].to_numpy()


#: The models written, and the method whose output on ``input.csv`` is recorded.
METHODS = {"genecytnet": "predict_proba", "cytokine_perturbation": "transform"}


def models():
    """The unfitted models, by name."""
    return {
        "genecytnet": make_genecytnet(
            random_state=0, select__k=6, vae__n_components=3, vae__hidden_layer_sizes=(8,),
            vae__max_epochs=3, gat__hidden_channels=4, gat__heads=2, gat__max_epochs=3,
        ),
        "cytokine_perturbation": CytokinePerturbation(module=["G0", "G1", "G2"], shift=1.5),
    }


def folder(version):
    """The folder of the files written with model file format ``version``."""
    return HERE / f"format{version}"


def model_path(version, name):
    """The model file ``name`` written with format ``version``."""
    return folder(version) / f"{name}.skgenecyt"


def output_path(version, name):
    """The recorded output of that model on ``input.csv`` (a ``.npy`` file)."""
    return folder(version) / f"{name}_{METHODS[name]}.npy"


def output(name, model, X):
    """What the model ``name`` gives on ``X``: the recorded method's output, as an array."""
    return np.asarray(getattr(model, METHODS[name])(X))


def main():
    HERE.mkdir(exist_ok=True)
    if not INPUT.exists():
        write_input()
    X, y = read_input()
    new = folder(FORMAT_VERSION)
    if new.exists():
        raise SystemExit(f"{new} exists: these files are the compatibility contract; "
                         "they are never rewritten.")
    new.mkdir()
    for name, model in models().items():
        model.fit(X, y)
        save_model(model, model_path(FORMAT_VERSION, name))
        np.save(output_path(FORMAT_VERSION, name), output(name, model, X))
        print(f"wrote {model_path(FORMAT_VERSION, name)}")


if __name__ == "__main__":
    main()
