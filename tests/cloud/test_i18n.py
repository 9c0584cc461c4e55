"""Recipients' messages in English, German and Polish: every message the cloud words with
`say` is in each catalogue with the same {fields}, and a parcel pre-advised in German gets its
pickup notice in German, with its real PIN in it."""

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlmodel import select

from cloud.i18n import LANGUAGES, LOCALE, say
from cloud.models import Notification
from cloud.services import notifications

CLOUD = Path(__file__).resolve().parents[2] / "cloud"


def said():
    """Every message id in a `say(language, message, ...)` call in cloud/."""
    found = extract_from_dir(str(CLOUD), method_map=[("**.py", "python")], keywords={"say": (2,)})
    return {message for _file, _line, message, _comments, _context in found}


def fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_each_catalogue_translates_every_message_with_the_same_fields(language):
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = {m.id: m for m in read_po(po) if m.id}
    messages = said()
    assert len(messages) >= 8 and messages == set(catalog)  # nothing missing, nothing stale
    for message in messages:
        entry = catalog[message]
        assert entry.string and not entry.fuzzy, message
        assert fields(entry.string) == fields(message), message


def test_an_unknown_language_falls_back_to_english():
    assert say("xx", "Your parcel {code} is ready", code="A1") == "Your parcel A1 is ready"
    assert say(None, "locker {name}", name="L") == "locker L"


@pytest.mark.parametrize(
    "language, words", [("en", "Your parcel"), ("de", "Ihre Sendung"), ("pl", "Twoja przesyłka")]
)
def test_a_pickup_notice_comes_in_the_recipients_language_with_the_pin(
    deposit_in, session, settings, language, words
):
    parcel = deposit_in(language)
    [sms] = session.exec(
        select(Notification).where(
            Notification.parcel_id == parcel.id, Notification.channel == "sms"
        )
    ).all()
    text = notifications.text_to_send(sms, settings)
    assert text.startswith(words) and re.search(r"PIN \d{6,}", text), text
    assert parcel.tracking_code in text and "******" not in text


def test_a_language_not_offered_is_refused(client):
    body = {
        "carrier": "DHL",
        "tracking_code": "JJD0001",
        "locker_id": "L1",
        "width_mm": 1,
        "height_mm": 1,
        "depth_mm": 1,
        "recipient": {"name": "Ada", "phone": "+48123456789", "language": "fr"},
    }
    assert client.post("/api/v1/parcels", json=body).status_code == 422


@pytest.fixture
def deposit_in(session, make_locker, parcel_data, now, settings):
    from cloud.board_events import apply_device_event
    from cloud.services import parcels

    def make(language):
        locker, _ = make_locker()
        recipient = {"name": "Ada", "phone": "+48123456789", "language": language}
        parcel = parcels.preadvise(
            session, parcel_data(recipient=recipient), now, settings=settings
        )
        body = {"lkr": "L1", "seq": 1, "t": 1_893_499_200_000, "type": "deposited"}
        body |= {"parcel": parcel.tracking_code, "cmp": 1}
        apply_device_event(session, locker, body, now, settings=settings)
        session.flush()
        return parcel

    return make


@pytest.mark.parametrize(
    "language, words",
    [("en", "Your parcel's page"), ("de", "Seite Ihrer Sendung"), ("pl", "Strona")],
)
def test_a_pickup_notice_links_to_the_parcels_page_in_its_language(
    deposit_in, session, settings, language, words
):
    parcel = deposit_in(language)
    [sms] = session.exec(select(Notification).where(Notification.parcel_id == parcel.id)).all()
    assert f"{words}" in sms.message and f"{settings.public_url}/r/v1." in sms.message
