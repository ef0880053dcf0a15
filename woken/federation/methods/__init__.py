"""The federated algorithms: each a local step (sums at a site) and a global step.

``METHODS`` is the catalogue of what federates; ``NOT_FEDERATED`` says why the others
do not.
"""
