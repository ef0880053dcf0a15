"""The ``kmeans`` container: k-means clustering of numeric variables."""
