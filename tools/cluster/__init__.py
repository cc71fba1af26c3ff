"""The scaled-out set-up on loopback: PostgreSQL, Redis, several Rasa and action servers behind
nginx.

`python -m tools.cluster up|down|status` (what `make cluster` / `make cluster-down` run), and
the same `Cluster` for tests/cluster and the cluster part of `make bench`.
"""
