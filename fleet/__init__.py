"""The fleet: device CA and identities, broker configuration, firmware bundles, provisioning.

Installer tooling; below the CLI, beside the cloud (it talks to the cloud over its HTTP API only).
"""
