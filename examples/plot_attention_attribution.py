"""
=========================================
Inspecting attention and attributions
=========================================

What does a fitted graph attention classifier look at? This example reads
three views of fitted models: the attention weights between nodes, each
node's importance (attention received, readout weight and gradient x input),
and, for GeneCytNet, the genes behind its most important latent factor.
Attention and gradients describe the model, not the biology; the
:ref:`perturbation analysis <perturbation>` is the complementary, controlled
view.

For speed (well under a minute on two CPU cores) the cohort has 3,000 genes
instead of 15,000, and the gene-level model of the last part uses 200 genes.
"""

# %%
# GeneCytNet with named latent factors
# ------------------------------------
# ``set_output(transform="pandas")`` makes every step pass a DataFrame on, so
# the graph attention step sees the latent factors by name (``vae0``, ...).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skgenecyt import make_genecytnet, make_ra_cohort

cohort = make_ra_cohort(n_genes=3000, random_state=0)
model = make_genecytnet(random_state=0).set_output(transform="pandas")
model.fit(cohort.X, cohort.y)
gat = model.named_steps["gat"]
print(gat.graph_)

# %%
# Attention between latent factors
# --------------------------------
# :meth:`~skgenecyt.GATClassifier.attention` returns one row per edge, layer
# and head. Each target node's incoming weights (its own self-loop included)
# sum to one, so on this complete graph a uniform weight is one over the
# number of nodes. Averaged over heads, the first layer's weights form a
# matrix of who listens to whom (averaged over the training rows).
attention = gat.attention()
n_nodes = len(gat.graph_.node_names)
print(f"uniform weight: 1/{n_nodes} = {1 / n_nodes:.4f}")
attention.head()

# %%
first_layer = (
    attention[attention["layer"] == 0]
    .groupby(["target", "source"], sort=False)["attention"]
    .mean()
    .unstack()
)
fig, ax = plt.subplots(figsize=(6, 5))
image = ax.imshow(first_layer.to_numpy(), cmap="viridis")
ax.set_xticks(range(len(first_layer)), first_layer.columns, rotation=90)
ax.set_yticks(range(len(first_layer)), first_layer.index)
ax.set_xlabel("source (attended to)")
ax.set_ylabel("target (attending)")
ax.set_title("Layer 1 attention, mean over heads")
fig.colorbar(image, ax=ax, shrink=0.8)
fig.tight_layout()

# %%
# Does attention differ between the classes? ``per_class=True`` averages
# within each class (the true class for training rows).
by_class = gat.attention(per_class=True)
by_class = by_class[~by_class["self_loop"]]
difference = (
    by_class.groupby(["class", "source", "target"])["attention"]
    .mean()
    .unstack("class")
    .assign(ra_minus_control=lambda t: t[1] - t[0])
    .sort_values("ra_minus_control", key=np.abs, ascending=False)
)
difference.head(8).round(4)

# %%
# Node importance
# ---------------
# :meth:`~skgenecyt.GATClassifier.node_importance` ranks the nodes on samples
# given in the classifier's own input space, here the latent codes of the
# holdout cohort.
latent_holdout = model[:-1].transform(cohort.X_holdout)
importance = gat.node_importance(latent_holdout)
importance.sort_values("gradient_x_input", ascending=False).head(
    8
).round(4)

# %%
top = importance.sort_values("gradient_x_input", ascending=False).head(
    12
)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
axes[0].barh(top.index[::-1], top["gradient_x_input"][::-1])
axes[0].set_xlabel("mean |gradient x input|")
axes[1].barh(
    top.index[::-1], top["attention_received"][::-1], color="tab:orange"
)
axes[1].set_xlabel("attention received")
fig.suptitle("Most important latent factors (holdout cohort)")
fig.tight_layout()

# %%
# From a latent factor back to genes
# ----------------------------------
# The VAE's decoder says which genes a factor moves: decode the mean training
# code, and the same code moved by one SD along the factor, back through the
# VAE, the scaler and the gene selection (unselected genes get 0).
latent_train = model[:-1].transform(cohort.X)
factor = top.index[0]
base = latent_train.mean().to_frame().T
moved = base.copy()
moved[factor] += latent_train[factor].std()
change = pd.Series(
    (
        model[:-1].inverse_transform(moved)
        - model[:-1].inverse_transform(base)
    )[0],
    index=cohort.X.columns,
)
top_genes = change.abs().sort_values(ascending=False).head(100).index
module_of = {
    gene: name
    for name, genes in cohort.modules.items()
    for gene in genes
}
counts = pd.Series(
    [module_of.get(g, "background") for g in top_genes]
).value_counts()
print(f"the 100 genes that factor {factor} moves most, by module:")
print(counts.to_string())
share = len(module_of) / cohort.X.shape[1]
print(f"(module genes make up {share:.1%} of all genes)")

# %%
# Attention over genes
# --------------------
# A :class:`~skgenecyt.GATClassifier` can also work on genes directly. With
# more than 64 features its default graph is a co-expression graph learned
# from the training rows: each gene joined to its 10 most correlated genes.
# Here it sees the 200 genes that best separate the classes (selected inside
# the pipeline, so only on training rows).
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.pipeline import make_pipeline

from skgenecyt import GATClassifier

gene_model = make_pipeline(
    SelectKBest(f_classif, k=200),
    GATClassifier(random_state=0),
).set_output(transform="pandas")
gene_model.fit(cohort.X, cohort.y)
gene_gat = gene_model[-1]
print(gene_gat.graph_)

# %%
# The genes with the largest gradient x input, and the module each belongs to:
genes_holdout = gene_model[:-1].transform(cohort.X_holdout)
gene_importance = gene_gat.node_importance(genes_holdout)
ranked = gene_importance.sort_values(
    "gradient_x_input", ascending=False
).head(15)
ranked.assign(
    module=[module_of.get(g, "background") for g in ranked.index]
).round(4)

# %%
# And the strongest attention edges between two different genes:
edges = gene_gat.attention()
edges = edges[~edges["self_loop"]]
strongest = (
    edges.groupby(["source", "target"])["attention"]
    .mean()
    .sort_values(ascending=False)
    .head(10)
    .reset_index()
)
strongest.assign(
    source_module=[
        module_of.get(g, "background") for g in strongest["source"]
    ],
    target_module=[
        module_of.get(g, "background") for g in strongest["target"]
    ],
).round(4)
