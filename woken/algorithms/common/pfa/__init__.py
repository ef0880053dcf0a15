"""Models as PFA documents (the Portable Format for Analytics, dmg.org/pfa).

A predictive model's result is a PFA document that any PFA engine (titus2, Hadrian)
scores without Woken: `document` builds the input record from the variables'
metadata, encodes nominal covariables as the model's encoder does and standardizes
inside the document; each algorithm's ``pfa.py`` adds its model's cells and action.
The description Woken reads (coefficients, priors, ...) rides along in the
document's ``metadata``, one JSON text per key, as the 2019 Woken did.
"""
