"""woken-db: the results (`job_result`, wire-compatible) and the jobs Woken coordinates."""
