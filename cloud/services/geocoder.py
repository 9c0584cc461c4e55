"""A postcode the operator's table does not know, asked of a Nominatim server (optional).

Nominatim's search API (https://nominatim.org/release-docs/latest/api/Search/) takes a
structured query (`postalcode`, filtered by `countrycodes`) and answers a JSON list of places,
each with `lat` and `lon` as strings. Its usage policy asks for a User-Agent naming the
application, so this one does; a self-hosted server is the way to ask often. Off unless
Settings.geocoder_url is set. Every failure (no answer in time, an error status, not JSON,
an empty or odd list) is just "not found": the caller refuses as for an unknown postcode."""

import logging
import math

import httpx

from cloud.core.config import Settings

log = logging.getLogger(__name__)


class NominatimGeocoder:
    """Finds a postcode's point with a Nominatim server's `/search`."""

    timeout_s = 5.0  # a pre-advice waits for it: a slow server means an unknown postcode
    user_agent = "openlocker/0.1 (smart parcel lockers; postcode lookup)"

    def __init__(self, url: str, *, user_agent: str | None = None):
        self.search_url = url.rstrip("/") + "/search"
        self.headers = {"User-Agent": user_agent or self.user_agent, "Accept": "application/json"}

    @classmethod
    def from_settings(cls, settings: Settings) -> "NominatimGeocoder | None":
        """The geocoder the settings name; None when none is configured (the default)."""
        if not settings.geocoder_url:
            return None
        return cls(settings.geocoder_url, user_agent=settings.geocoder_user_agent)

    def postcode(self, country: str, postcode: str) -> tuple[float, float] | None:
        """(latitude, longitude) of the postcode in the country (ISO alpha-2); None if the
        server does not know it or gives no usable answer."""
        query = {
            "postalcode": postcode,
            "countrycodes": country.lower(),
            "format": "jsonv2",
            "limit": 1,
        }
        try:
            with httpx.Client(headers=self.headers, timeout=self.timeout_s, trust_env=False) as c:
                response = c.get(self.search_url, params=query)
            response.raise_for_status()
            places = response.json()
        except (httpx.HTTPError, ValueError) as failure:
            log.warning("geocoder gave no answer for %s %s: %s", country, postcode, failure)
            return None
        return _first_point(places)


def _first_point(places: object) -> tuple[float, float] | None:
    if not isinstance(places, list) or not places or not isinstance(places[0], dict):
        return None
    try:
        latitude, longitude = float(places[0]["lat"]), float(places[0]["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude
