"""The ``tSNE`` container: a 2-D t-SNE embedding of numeric variables."""
