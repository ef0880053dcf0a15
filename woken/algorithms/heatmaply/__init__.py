"""The ``heatmaply`` container: a clustered heat map of the rows, as a plotly figure."""
