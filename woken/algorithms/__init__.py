"""The algorithm containers: one folder per algorithm, plus the library they share (`common`)."""
