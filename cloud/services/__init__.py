"""Domain rules, called alike by the API routes and the MQTT bridge.

Every function takes the caller's Session (and the time, `now`, as a naive UTC datetime), flushes
but never commits: the caller owns the transaction, so a decision and the outbox rows it causes
commit together or not at all.
"""
