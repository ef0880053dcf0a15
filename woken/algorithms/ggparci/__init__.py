"""The ``ggparci`` container: parallel coordinates with confidence bands, as SVG."""
