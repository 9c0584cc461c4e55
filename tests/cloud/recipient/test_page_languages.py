"""The recipient page in the parcel's language (chosen at pre-advice): German and Polish
render translated, the pickup SMS's link sentence too; an invalid link has no parcel, so no
language: English."""

import pytest

from tests.cloud.recipient.conftest import csrf_of


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", ["Ready for pickup", "Show my PIN", "Their mobile number", 'lang="en"']),
        (
            "de",
            ["Bereit zur Abholung", "Meine PIN anzeigen", "Mobilnummer der Person", 'lang="de"'],
        ),
        ("pl", ["Gotowa do odbioru", "Pokaż mój PIN", "Numer telefonu tej osoby", 'lang="pl"']),
    ],
)
def test_the_page_speaks_the_parcels_language(deliver, anonymous, language, words):
    page = anonymous.get(deliver(language).path).text
    assert all(word in page for word in words), page


def test_a_refusal_is_worded_in_the_parcels_language(deliver, anonymous):
    parcel = deliver("pl")
    csrf = csrf_of(anonymous.get(parcel.path).text)
    for _ in range(2):
        answer = anonymous.post(f"{parcel.path}/extend", data={"csrf": csrf})
    assert answer.status_code == 409 and "Termin można przedłużyć tylko raz." in answer.text


def test_an_invalid_link_is_answered_in_english(anonymous):
    page = anonymous.get("/r/v1.e30.AAAA")
    assert page.status_code == 401 and 'lang="en"' in page.text
