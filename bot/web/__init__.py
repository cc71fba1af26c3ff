"""The school's program page, with the chat widget embedded, served for `make run` and the
browser tests.

The page is built from the program database through `bot.catalog` (the same read API the
answers use), so the page and the assistant can never disagree about a figure. The server is a
plain WSGI application on the standard library: a few static routes do not need a framework.
"""
