"""The operator's postcode table: a CSV import checks every row before it writes any, and the
CLI (`locker postcodes import`) refuses a bad file with the line that is wrong."""

import subprocess
import sys

import pytest
from sqlmodel import select

from cloud.models import PostcodeCentroid
from cloud.services import postcodes
from cloud.services.errors import Invalid

HEADER = "country,postcode,latitude,longitude\n"


def test_rows_are_normalised_and_a_second_import_replaces(session):
    assert (
        postcodes.import_csv(session, HEADER + "pl,00-001,52.2297,21.0122\nDE,10115,52.53,13.38\n")
        == 2
    )
    assert postcodes.centroid(session, "PL", "00 001") == (52.2297, 21.0122)
    assert postcodes.import_csv(session, HEADER + "PL,00001,52.0,21.0\n\n") == 1
    assert postcodes.centroid(session, "pl", "00-001") == (52.0, 21.0)
    assert len(session.exec(select(PostcodeCentroid)).all()) == 2


@pytest.mark.parametrize(
    "text, why",
    [
        ("postcode,latitude,longitude\n00-001,52,21\n", "header"),
        (HEADER, "no rows"),
        (HEADER + "PL,00-001,52.2\n", "line 2: 3 columns"),
        (HEADER + "DE,10115,52.5,13.4\nPoland,00-001,52.2,21.0\n", "line 3: country"),
        (HEADER + "PL,0,52.2,21.0\n", "line 2: postcode"),
        (HEADER + "PL,00-001,north,21.0\n", "line 2: coordinates"),
        (HEADER + "PL,00-001,95,21.0\n", "out of range"),
        (HEADER + "PL,00-001,nan,21.0\n", "out of range"),
        (HEADER + "PL,00-001;DROP,52,21\n", "postcode"),
    ],
)
def test_a_bad_file_is_refused_whole_naming_the_line(session, text, why):
    postcodes.import_csv(session, HEADER + "CZ,11000,50.08,14.43\n")
    with pytest.raises(Invalid) as refused:
        postcodes.import_csv(session, text)
    assert why in refused.value.message and refused.value.code == "bad_postcode_csv"
    assert [p.country for p in session.exec(select(PostcodeCentroid))] == ["CZ"]


def test_the_cli_imports_and_refuses(tmp_path):
    url = f"sqlite:///{tmp_path / 'locker.db'}"
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + "PL,00-001,52.2297,21.0122\n")
    bad.write_text(HEADER + "PL,00-001,52.2297\n")
    run = lambda f: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "locker.cli", "postcodes", "import", str(f), "--database-url", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    done = run(good)
    assert (done.returncode, done.stdout.strip()) == (0, "1 postcodes imported")
    refused = run(bad)
    assert refused.returncode != 0 and "line 2: 3 columns" in refused.stderr
    missing = run(tmp_path / "nope.csv")
    assert missing.returncode != 0 and "cannot read" in missing.stderr
