"""The ``sgdLinearModel`` container: a linear model fitted by stochastic gradient descent."""
