"""The ``naiveBayes`` container: Gaussian naive Bayes classification."""
