"""The national-scale core benchmark (issue #2): a seeded data set the size of the national
estate, built once with COPY and reused, then availability and booking timed call by call.
Run it with `.venv/bin/python -m bench.core_national` (README, "Benchmarks")."""
