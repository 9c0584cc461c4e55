"""The names on the fleet's broker: two name spaces that cannot meet.

Mosquitto takes a client certificate's common name as the username and the username as the
client id, and its ACL grants by that name. A board's name is its locker id, written in the
wire's code charset (A-Z a-z 0-9 - _ .); a service's (a bridge worker's) is "svc:" and a word.
No locker id can hold the colon, so no board certificate can carry a service's name, and the
ACL gives a service's rights only to "svc:" names (fleet/fleet_broker.py). Locker ids that
merely read as a service's name ("bridge-4": the bridge workers' names before the prefix) are
refused as well, here and by the cloud (protocol.identities.RESERVED_LOCKER_ID).
"""

import re

from protocol.identities import RESERVED_LOCKER_ID
from protocol.identities import SERVICE_IDENTITY_PREFIX as SERVICE_PREFIX

_LOCKER_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")  # fullmatch: no trailing newline slips through
_SERVICE_WORD = re.compile(r"[a-z0-9][a-z0-9-]{0,23}")


class IdentityNameError(ValueError):
    """A name that cannot be a board's (or a service's) on the fleet's broker."""


def board_name(locker_id):
    """`locker_id` if a board may carry it as its certificate name; IdentityNameError if not."""
    if not isinstance(locker_id, str) or not _LOCKER_ID.fullmatch(locker_id):
        raise IdentityNameError("%r is not a locker id: 1-32 of A-Z a-z 0-9 - _ ." % (locker_id,))
    if re.match(RESERVED_LOCKER_ID, locker_id):
        raise IdentityNameError(
            "%s reads as a service's name on the fleet's broker (bridge..., "
            "svc...); give the locker another id" % locker_id
        )
    return locker_id


def service_name(word):
    """The certificate name of service `word` ("bridge-1" -> "svc:bridge-1")."""
    if not isinstance(word, str) or not _SERVICE_WORD.fullmatch(word):
        raise IdentityNameError("%r is not a service name: a-z 0-9 and -, up to 24" % (word,))
    return SERVICE_PREFIX + word


def is_service(name):
    return isinstance(name, str) and name.startswith(SERVICE_PREFIX)


def identity_name(name):
    """`name` if it is a board's or a service's name (what `locker ca revoke` takes)."""
    if is_service(name):
        service_name(name[len(SERVICE_PREFIX) :])
        return name
    if not isinstance(name, str) or not _LOCKER_ID.fullmatch(name):
        raise IdentityNameError(
            "%r is neither a locker id nor a service's name (svc:...)" % (name,)
        )
    return name  # a reserved-looking id too: an old certificate may carry it and be revoked
