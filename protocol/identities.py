"""Names on the fleet's broker, as the cloud, the CA and the broker's ACL must all read them.

Service identities are "svc:<word>": the colon is outside the wire's code charset, so no locker
id spells one. Ids that read as a service's name are refused as well: "bridge-N" was a bridge
worker's certificate name before the prefix (issue 10), and such certificates may still be about.
"""

RESERVED_LOCKER_ID = r"(?i)^(bridge|svc)([-_.].*)?$"  # a regular expression for CPython's re
SERVICE_IDENTITY_PREFIX = "svc:"
