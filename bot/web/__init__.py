"""The school's program page, with the chat widget embedded, served for `make run` and the
browser tests.

The page is built from the program database through `bot.catalog` (the same read API the
answers use), so the page and the assistant can never disagree about a figure. The server is an
ASGI application on Starlette, served by uvicorn (`python -m bot.web`), the stack the staff
console will share.
"""
