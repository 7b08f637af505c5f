"""The warning class of the public-data readers and the cohort combiner."""


class CohortWarning(UserWarning):
    """Something was done to a cohort's data that its user should know about.

    Raised when a GEO series matrix was log2-transformed on reading or read
    without a platform annotation (:func:`~skgenecyt.read_geo_series_matrix`),
    when samples are left out for lack of a label
    (:func:`~skgenecyt.labels_from_metadata`), and when a sample appears in
    two cohorts (:func:`~skgenecyt.combine_cohorts`).
    """
