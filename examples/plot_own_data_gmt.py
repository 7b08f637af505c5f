"""
===================================================
Your own expression table and a GMT file
===================================================

The usual starting point of an analysis is not a Python object but files: an
expression table exported from GEO or an RNA-seq pipeline, a table of sample
labels and gene sets in GMT format. This example writes such files into a
temporary folder (from a synthetic cohort, standing in for your data), reads
them back with :func:`~skgenecyt.load_expression` and
:func:`~skgenecyt.read_gmt`, checks how much of each gene set the data
holds, fits GeneCytNet and measures the effect of every gene set.

For speed (well under a minute on two CPU cores) the cohort has 3,000 genes
instead of 15,000. See :ref:`own_data` for the formats and checks.
"""

# %%
# Files like yours
# ----------------
# Many public tables store genes as rows and samples as columns, gzipped; the
# labels come in a separate file. We write both, with a few real-world
# blemishes: one gene renamed to an old alias and one gene missing.
import tempfile
from pathlib import Path

from skgenecyt import make_ra_cohort

folder = Path(tempfile.mkdtemp(prefix="skgenecyt-example-"))
cohort = make_ra_cohort(n_genes=3000, random_state=0)


def export(expression, path):
    """Write genes as rows; CXCL8 missing, SOCS3 under an old alias."""
    table = expression.drop(columns=["CXCL8"]).rename(
        columns={"SOCS3": "SSI-3"}
    )
    table.T.to_csv(path, sep="\t", index_label="gene")


export(cohort.X, folder / "expression.tsv.gz")
cohort.y.rename("status").to_csv(
    folder / "labels.csv", index_label="sample"
)
print(sorted(p.name for p in folder.iterdir()))

# %%
# Gene sets in a GMT file: the built-in cytokine modules, plus one set of our
# own, standing in for a pathway from a database: a background co-expression
# programme of the synthetic cohort that has no planted disease effect, so it
# should not stand out from random gene sets of its size.
from skgenecyt import load_cytokine_modules

gene_sets = dict(load_cytokine_modules())
gene_sets["MY_PATHWAY"] = cohort.programmes["programme_02"][:30]
with open(folder / "gene_sets.gmt", "w") as gmt:
    for name, genes in gene_sets.items():
        gmt.write("\t".join([name, "example set", *genes]) + "\n")

# %%
# Reading them back
# -----------------
# :func:`~skgenecyt.load_expression` transposes the genes-as-rows table,
# matches the labels to the samples by id (any mismatch is an error that lists
# the samples) and checks the values.
from skgenecyt import load_expression, read_gmt

data = load_expression(
    folder / "expression.tsv.gz",
    labels=folder / "labels.csv",
    genes_as_rows=True,
)
X, y = data.X, data.y
print(X.shape, y.value_counts().to_dict())

modules = read_gmt(folder / "gene_sets.gmt")
{name: len(genes) for name, genes in modules.items()}

# %%
# How much of each set is in the data?
# ------------------------------------
# :func:`~skgenecyt.match_modules` reports, per set, the genes found and
# missing. The renamed gene shows up as missing: symbols are matched exactly,
# without alias translation.
from skgenecyt import match_modules

matched, coverage = match_modules(modules, X)
coverage

# %%
# Bad input gives a clear error rather than a wrong answer, for example labels
# that do not match the samples:
try:
    load_expression(X, labels=y.iloc[:-3])
except ValueError as error:
    print("ValueError:", error)

# %%
# A model and the effect of every gene set
# ----------------------------------------
# The same holdout samples, written and read back the same way, are then
# perturbed with every set of the GMT file.
from skgenecyt import make_genecytnet, perturbation_effects

export(cohort.X_holdout, folder / "holdout.tsv.gz")
X_holdout = load_expression(
    folder / "holdout.tsv.gz", genes_as_rows=True
).X

model = make_genecytnet(random_state=0).fit(X, y)
effects = perturbation_effects(
    model,
    X_holdout,
    X_train=X,
    modules=folder / "gene_sets.gmt",
    n_bootstrap=500,
    n_null=100,
    random_state=0,
)
columns = ["module", "n_genes", "coverage", "delta_mean", "ci_low",
           "ci_high", "z", "p_value"]
effects[columns].round(3)

# %%
import matplotlib.pyplot as plt

from skgenecyt import plot_perturbation_effects

fig, ax = plt.subplots(figsize=(6.4, 3.6))
plot_perturbation_effects(
    effects, ax=ax, title="Gene sets from the GMT file, +1 SD"
)
plt.show()

# %%
# The temporary folder is ours to remove.
import shutil

shutil.rmtree(folder)
