"""
====================================
Distributed grid search with dask
====================================

Cross-validation and grid searches are many independent fits. scikit-learn
hands them to joblib, and joblib can hand them to a `dask.distributed`
cluster: the same code then runs on a laptop, a workstation or many machines.
skgenecyt's estimators and :func:`~skgenecyt.benchmark` need nothing special
for this.

Here the cluster is a tiny ``LocalCluster`` (two workers of one thread each,
inside this process) and the cohort is reduced to
2,000 genes with short training, so that the example runs in about a minute
on two CPU cores. On a real cluster, connect the client to its scheduler
instead (``Client("tcp://scheduler-address:8786")``) and nothing else
changes.
"""

# %%
# A local cluster
# ---------------
from dask.distributed import Client, LocalCluster

cluster = LocalCluster(
    n_workers=2,
    threads_per_worker=1,
    processes=False,
    dashboard_address=None,
)
client = Client(cluster)
print(client)

# %%
# A grid search whose fits run on the cluster
# -------------------------------------------
# Inside ``joblib.parallel_backend("dask")`` every fit of ``GridSearchCV``
# (each parameter setting on each fold) becomes a dask task.
import joblib
import pandas as pd
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skgenecyt import make_genecytnet, make_ra_cohort

cohort = make_ra_cohort(n_genes=2000, random_state=0)
model = make_genecytnet(
    random_state=0, vae__max_epochs=15, gat__max_epochs=20
)
search = GridSearchCV(
    model,
    param_grid={"vae__n_components": [4, 16], "gat__heads": [1, 4]},
    scoring="roc_auc",
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    n_jobs=-1,
)
with joblib.parallel_backend("dask"):
    search.fit(cohort.X, cohort.y)

results = pd.DataFrame(search.cv_results_)
columns = ["param_vae__n_components", "param_gat__heads",
           "mean_test_score", "std_test_score", "mean_fit_time"]
results[columns].round(3)

# %%
# The mean cross-validated AUC of each setting with its spread over folds:
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5.6, 3.6))
for heads, part in results.groupby("param_gat__heads"):
    ax.errorbar(
        part["param_vae__n_components"].astype(int),
        part["mean_test_score"],
        yerr=part["std_test_score"],
        marker="o",
        capsize=3,
        label=f"gat__heads={heads}",
    )
ax.set_xlabel("vae__n_components")
ax.set_ylabel("CV ROC AUC (mean +- SD)")
ax.set_title("Grid search on a dask cluster")
ax.legend()
fig.tight_layout()

# %%
# :func:`~skgenecyt.benchmark` works the same way: each (model, split) fit is
# one joblib task, here run on the cluster.
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import benchmark

models = {
    "GeneCytNet": search.best_estimator_,
    "logistic": make_pipeline(
        StandardScaler(), LogisticRegression(C=0.01)
    ),
}
with joblib.parallel_backend("dask"):
    table = benchmark(
        models, cohort.X, cohort.y, cv=3, n_jobs=-1, random_state=0
    )
columns = ["model", "cv_roc_auc_mean", "cv_roc_auc_sd", "fit_time_mean"]
table[columns].round(3)

# %%
# The workers of this example are threads of one process
# (``processes=False``), which keeps it self-contained. Prefer process-based
# workers for real work (the default of ``LocalCluster`` and of remote
# clusters): they give the same results as a sequential run, see
# :ref:`scaling`.
client.close()
cluster.close()
