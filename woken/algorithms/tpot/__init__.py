"""The ``tpot`` container: AutoML, TPOT searches the whole pipeline (preprocessing and model)."""
