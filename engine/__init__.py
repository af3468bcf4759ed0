"""Code that runs inside the Rasa engine (Python 3.10, rasa 3.6): the gateway channel
and our checked patches of Rasa (engine/patches.py).
"""
