"""Training data, custom NLU components and NLU tooling (train, report)."""
