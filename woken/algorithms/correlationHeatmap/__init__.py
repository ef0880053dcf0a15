"""The ``correlationHeatmap`` container: correlations as a plotly heatmap."""
