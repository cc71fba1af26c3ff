"""The knowledge-base section of `make eval`: does a message reach the right office entry, and do
off-topic and catalog questions stay away from the entries?

`entries.yml` holds 24 evaluation entries (their stored phrasings, plus tuning and held-out
phrasings written apart from them), off-topic lines and catalog questions, each split into a
tuning half (the only data the threshold is chosen on: `python -m tools.evaluation.knowledge_base
choose`) and a held-out half (measured once, by `make eval`). None of it is training data, and
none of it comes from the shared evaluation sets. docs/knowledge-base.md explains the numbers.
"""
