"""The cloud as a running process: its background loops and the one place they are assembled
with the API (process.py). Below the CLI; knows nothing of the bridge or the boards."""
