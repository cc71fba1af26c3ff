"""The school's knowledge base as the Rasa server sees it: the published phrasings of the office's
entries (read from the program database), embedded by the pipeline's sentence encoder and kept in
memory, refreshed in the background when the office changes anything.

Why here and not in the action server: the message's sentence vector is already computed in the
NLU pipeline, so matching costs one matrix product instead of a second encoder run, and the
match must be known before the dialogue policies pick the next action. docs/knowledge-base.md
has the whole design. The entries' answers stay in the program database; the action server
reads them (bot.knowledge.office_answers).
"""
