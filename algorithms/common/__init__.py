"""The small library every algorithm container shares.

An algorithm never talks to Woken's databases: Woken writes the job's inputs
into the job's volume and the algorithm writes its result back there
(see `algorithms.common.volume` for the layout).
"""
