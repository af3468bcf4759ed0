"""Deployment tooling that is code: the files Rasa needs in production shape."""
