"""Custom Rasa input channels (loaded by the Rasa server through credentials.yml)."""
