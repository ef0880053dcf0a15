"""The ``hinmine`` container: each row's features from a network of the rows."""
