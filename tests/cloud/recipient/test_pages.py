"""The recipient page over real HTTP: the pickup SMS's link opens it; extend once, show a fresh
PIN, name a delegate (whose own link cannot name another); bad links and bad forms change
nothing."""

import re

from sqlmodel import Session, select

from cloud.models import AuditEntry, DoorRelease, OutboxMessage, Parcel, PickupCredential
from tests.cloud.recipient.conftest import csrf_of, links_in


def test_the_pickup_sms_links_to_a_page_with_status_qr_and_timeline(deliver, anonymous):
    parcel = deliver()
    page = anonymous.get(parcel.path)
    assert page.status_code == 200, page.text
    assert 'data-state="deposited"' in page.text and "Ready for pickup" in page.text
    assert re.search(r'<img id="qr" src="data:image/png;base64,[A-Za-z0-9+/=]+"', page.text)
    assert "Put into the locker" in page.text and "Main St, 1 Main Street" in page.text
    assert "Ada" not in page.text  # the recipient's own name is not needed on the page
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
