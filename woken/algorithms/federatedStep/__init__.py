"""The ``federatedStep`` container: one local step of a federated algorithm at a site.

A site's Woken runs it as any job, on its backend, when its central asks for a step
(``POST /federation/step``): Woken writes the site's selected rows into the job's
volume, the job writes only the step's sums into its result, and the site answers
those. The central's side of each algorithm is ``woken.federation.methods``.
"""
