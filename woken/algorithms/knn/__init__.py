"""The ``knn`` container: k nearest neighbours, classification or regression."""
