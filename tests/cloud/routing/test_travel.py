"""Travel distances and times: the great-circle default, and the OSRM table client over real
HTTP (a small table service here; a real OSRM where LOCKER_TEST_OSRM_URL names one)."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from cloud.routing.travel import GreatCircle, OsrmTable, great_circle_m

WARSAW = [(52.2297, 21.0122), (52.4064, 16.9252), (50.0647, 19.9450)]  # Warsaw, Poznań, Kraków


def test_great_circle_matches_known_city_distances():
    metres = great_circle_m(WARSAW)
    assert metres[0, 1] == pytest.approx(279_000, rel=0.01)  # Warsaw - Poznań
    assert metres[0, 2] == pytest.approx(252_000, rel=0.01)  # Warsaw - Kraków
    assert np.allclose(metres, metres.T) and np.all(np.diag(metres) == 0)


def test_road_distance_is_circuity_times_the_straight_line_and_time_follows_speed():
    travel = GreatCircle(circuity=1.3)
    straight = great_circle_m(WARSAW)
    assert travel.distances(WARSAW)[0, 1] == round(straight[0, 1] * 1.3)
    hours = travel.durations(WARSAW, speed_kmh=50)[0, 1] / 3600
    assert hours == pytest.approx(straight[0, 1] * 1.3 / 50_000, rel=1e-3)
    with pytest.raises(ValueError):
        GreatCircle(circuity=0.9)


class _TableService(BaseHTTPRequestHandler):
    """OSRM's /table/v1/{profile}/{lon,lat;...}?annotations=distance,duration, answered from
    straight lines times 1.5, at 36 km/h; no road to the last point when asked for "island"."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)  # not urlparse: it takes ";..." for path parameters
        _, _, _, profile, where = url.path.split("/", 4)
        points = [tuple(map(float, p.split(",")))[::-1] for p in where.split(";")]
        metres = great_circle_m(points) * 1.5
        distances = metres.round().tolist()
        durations = (metres / 10).round().tolist()
        if profile == "island":
            for row in distances:
                row[-1] = None
        assert parse_qs(url.query)["annotations"] == ["distance,duration"]
        body = json.dumps({"code": "Ok", "distances": distances, "durations": durations})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def table_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TableService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_osrm_client_reads_a_table_over_http(table_service):
    travel = OsrmTable(table_service)
    metres = travel.distances(WARSAW)
    assert metres[0, 1] == pytest.approx(great_circle_m(WARSAW)[0, 1] * 1.5, abs=1)
    # a van at 36 km/h takes the service's times; a bike at 18 km/h takes twice as long
    assert travel.durations(WARSAW, speed_kmh=36)[0, 1] == pytest.approx(metres[0, 1] / 10, abs=1)
    assert travel.durations(WARSAW, speed_kmh=18)[0, 1] == pytest.approx(metres[0, 1] / 5, abs=1)


def test_a_point_no_road_reaches_is_far_beyond_any_shift(table_service):
    travel = OsrmTable(table_service, profile="island")
    assert travel.distances(WARSAW)[0, 2] >= 10**9


@pytest.mark.skipif(not os.environ.get("LOCKER_TEST_OSRM_URL"), reason="no OSRM service named")
def test_a_real_osrm_service():
    travel = OsrmTable(os.environ["LOCKER_TEST_OSRM_URL"])
    metres = travel.distances(WARSAW[:2])
    assert metres[0, 1] >= great_circle_m(WARSAW[:2])[0, 1]
