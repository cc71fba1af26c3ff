"""Writing things out safely: files only their owner can read, secrets read from files, text
safe for a terminal and cells safe for a spreadsheet.

The floor of `bot`, beside `settings`: it may import nothing else from `bot`, so the database
and every context above it can use it.
"""
