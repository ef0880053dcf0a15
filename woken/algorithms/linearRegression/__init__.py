"""The ``linearRegression`` container: ordinary least squares on a real target."""
