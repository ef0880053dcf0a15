"""The ``pca`` container: principal component analysis of numeric variables."""
