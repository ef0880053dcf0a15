"""The ``histograms`` container: histograms of the target as Highcharts configurations."""
