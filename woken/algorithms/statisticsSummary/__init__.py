"""The ``statisticsSummary`` container: descriptive statistics of every variable."""
