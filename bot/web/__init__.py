"""The school's program page, with the chat widget embedded, served for `make run` and the
browser tests; its ASGI application also mounts the staff console.

The page is built from the program database through `bot.knowledge.catalog` (the same read
API the answers use), so the page and the assistant can never disagree about a figure. Served
by uvicorn (`python -m bot.web`). May import every package below it (the console and down).
"""
