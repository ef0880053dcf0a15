"""The ``gradientBoosting`` container: gradient boosting of decision trees."""
