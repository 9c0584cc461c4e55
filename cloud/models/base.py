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
# Names on the fleet's broker (locker ids that read as a service's are refused):
# protocol.identities.
