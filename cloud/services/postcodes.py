"""The operator's postcode table: centroids imported from CSV, looked up by pre-advice.

CSV columns `country,postcode,latitude,longitude` (a header row; GeoNames' postal-code dumps
and national open-data sets reduce to this). An import checks every row before it writes
any: one bad row refuses the file, naming the line, and changes nothing. A postcode the table
lacks may be asked of a geocoder (cloud/services/geocoder.py, optional); its answer is kept in
the table, so each is asked once (Nominatim's usage policy asks for that too)."""

import csv
import io
import re
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cloud.models import PostcodeCentroid
from cloud.models.postcode import POSTCODE_LENGTH
from cloud.services.errors import Invalid

COLUMNS = ("country", "postcode", "latitude", "longitude")
MAX_ROWS = 2_000_000  # a whole country's postcodes, not more


def normalise(postcode: str) -> str:
    """As stored and looked up: upper case, spaces and hyphens out ("sw1a 1aa" -> "SW1A1AA")."""
    return re.sub(r"[\s-]", "", postcode).upper()


def import_csv(session: Session, text: str) -> int:
    """Add or replace the centroids of a CSV; the number of rows taken."""
    rows = _checked_rows(text)
    existing = {
        (c.country, c.postcode): c
        for c in session.exec(
            select(PostcodeCentroid).where(
                PostcodeCentroid.country.in_({country for country, _, _, _ in rows})
            )
        )
    }
    for country, postcode, latitude, longitude in rows:
        known = existing.get((country, postcode))
        if known is None:
            known = PostcodeCentroid(country=country, postcode=postcode, latitude=0, longitude=0)
            session.add(known)
            existing[(country, postcode)] = known
        known.latitude, known.longitude = latitude, longitude
    session.flush()
    return len(rows)


class Geocoder(Protocol):
    """Where a postcode is, asked elsewhere (cloud/services/geocoder.py); None if unknown."""

    def postcode(self, country: str, postcode: str) -> tuple[float, float] | None: ...


def locate(
    session: Session, country: str, postcode: str, geocoder: Geocoder | None = None
) -> tuple[float, float]:
    """(latitude, longitude) of a postcode: the table's, else the geocoder's (then kept in the
    table); Invalid, as for one the table lacks, if neither knows it."""
    try:
        return centroid(session, country, postcode)
    except Invalid:
        point = geocoder.postcode(country.upper(), postcode) if geocoder else None
        if point is None:
            raise
    _keep(session, country.upper(), normalise(postcode), point)
    return point


def _keep(session: Session, country: str, postcode: str, point: tuple[float, float]) -> None:
    if not re.fullmatch(r"[A-Z0-9]{2,%d}" % POSTCODE_LENGTH, postcode):
        return  # not a postcode the table could hold: asked again next time
    try:
        with session.begin_nested():  # a concurrent pre-advice kept it first: fine
            session.add(
                PostcodeCentroid(
                    country=country, postcode=postcode, latitude=point[0], longitude=point[1]
                )
            )
    except IntegrityError:
        pass


def centroid(session: Session, country: str, postcode: str) -> tuple[float, float]:
    """(latitude, longitude) of a postcode; Invalid if the table does not know it."""
    found = session.exec(
        select(PostcodeCentroid).where(
            PostcodeCentroid.country == country.upper(),
            PostcodeCentroid.postcode == normalise(postcode),
        )
    ).first()
    if found is None:
        raise Invalid(
            "unknown_postcode",
            f"postcode {postcode!r} ({country}) is not in the operator's postcode table: "
            "give the delivery point's coordinates, or a locker_id",
        )
    return found.latitude, found.longitude


def _checked_rows(text: str) -> list[tuple[str, str, float, float]]:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise Invalid("bad_postcode_csv", f"the header must be {','.join(COLUMNS)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        rows.append(_row(line, row))
        if len(rows) > MAX_ROWS:
            raise Invalid("bad_postcode_csv", f"more than {MAX_ROWS} rows")
    if not rows:
        raise Invalid("bad_postcode_csv", "no rows after the header")
    return rows


def _row(line: int, row: list[str]) -> tuple[str, str, float, float]:
    if len(row) != len(COLUMNS):
        raise Invalid("bad_postcode_csv", f"line {line}: {len(row)} columns, not 4")
    country, postcode = row[0].strip().upper(), normalise(row[1])
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise Invalid("bad_postcode_csv", f"line {line}: country {row[0]!r} is not like DE or PL")
    if not re.fullmatch(r"[A-Z0-9]{2,%d}" % POSTCODE_LENGTH, postcode):
        raise Invalid("bad_postcode_csv", f"line {line}: postcode {row[1]!r}")
    try:
        latitude, longitude = float(row[2]), float(row[3])
    except ValueError:
        raise Invalid("bad_postcode_csv", f"line {line}: coordinates {row[2]!r}, {row[3]!r}")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Invalid("bad_postcode_csv", f"line {line}: coordinates out of range")
    return country, postcode, latitude, longitude
