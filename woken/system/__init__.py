"""The running system: its services, admission, and the start of jobs and experiments.

The services' start-up and shutdown order, admission, and the start and resumption
of single jobs and experiments.

It sits between the HTTP and command-line layer above and the actors below: the
handlers call this package only, and only this package starts actors.
"""
