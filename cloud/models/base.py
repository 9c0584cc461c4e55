"""What every table shares: constraint names Alembic can find again, and text patterns."""
from sqlmodel import SQLModel

# Named constraints let Alembic (and SQLite's batch mode) find and alter them later.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE_PATTERN = r"^[A-Za-z0-9._-]{1,32}$"  # locker ids and parcel codes: the wire's code charset
CODE_LENGTH = 32
# Service identities on the fleet's broker are "svc:<name>" (locker/pki.py): the colon is outside
# the code charset, so no locker id spells one. Ids that read as a service's name are refused as
# well: "bridge-N" was a bridge worker's certificate name before the prefix (issue 10), and such
# certificates may still be about.
RESERVED_LOCKER_ID = r"(?i)^(bridge|svc)([-_.].*)?$"
SERVICE_IDENTITY_PREFIX = "svc:"
