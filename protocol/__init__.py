"""The board<->cloud contract: what a board and the cloud must agree on, written once.

The wire codec, HMAC, credential verifiers, QR tokens, topics, compartment sizes and layouts,
identity names and broker addresses. Pure: it runs on MicroPython as on CPython, ships in the
board's bundle, and imports nothing of the project's.
"""
