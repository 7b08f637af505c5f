"""Order of the example gallery: from a first model to scaling out.

Sphinx-gallery imports :class:`ExampleOrder` by its qualified name
(``_gallery.ExampleOrder``), which keeps the configuration picklable.
Examples missing from :data:`ORDER` come after the listed ones, by file name.
"""

from pathlib import Path

ORDER = (
    "plot_quick_start.py",
    "plot_benchmark_baselines.py",
    "plot_cytokine_perturbation.py",
    "plot_attention_attribution.py",
    "plot_own_data_gmt.py",
    "plot_geo_leave_one_study_out.py",
    "plot_dask_grid_search.py",
)


class ExampleOrder:
    """Sort key for ``within_subsection_order``."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        rank = ORDER.index(name) if name in ORDER else len(ORDER)
        return (rank, name)
