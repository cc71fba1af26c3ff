"""Deployment recipes beyond one machine's `make run` (see README "Scale-out")."""
