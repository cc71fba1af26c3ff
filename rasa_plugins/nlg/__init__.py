"""The Rasa server's response generator (loaded through endpoints.yml)."""
