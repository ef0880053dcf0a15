"""The ``anova`` container: analysis of variance of a real target by nominal factors."""
