"""Permit data: the model, its queries and the domain rules shared by the gateway and actions."""
