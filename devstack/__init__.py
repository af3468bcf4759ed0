"""Development tools, outside the gateway's import path: the supervisor that runs
the whole system (Rasa, the action server, the gateway) for `make run`, the tests
and the benchmarks, what the set-up steps of `make run` print (steps.py), and a
terminal chat against a running gateway."""
