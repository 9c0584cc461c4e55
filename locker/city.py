"""The demo's city: Kraków, one depot, twenty lockers, a small fleet and its couriers.

Plain data, and the parcels of a morning drawn from it (deterministic: the same city every run).
Coordinates are the streets' own, to a few tens of metres; the two malls keep shop hours."""

from collections import namedtuple
from random import Random

Site = namedtuple("Site", "id name address latitude longitude access_hours layout parcels")
Kind = namedtuple(
    "Kind",
    "id name capacity_parcels capacity_litres speed_kmh shift_start shift_end "
    "cost_per_km cost_per_hour co2_g_per_km range_km",
)
Spec = namedtuple("Spec", "carrier tracking_code width height depth recipient phone what")

ZONE = "Europe/Warsaw"
DEPOT = {
    "id": "KRK",
    "name": "Kraków Zabłocie depot",
    "address": "ul. Przemysłowa 12, 30-701 Kraków",
    "latitude": 50.0478,
    "longitude": 19.9626,
    "timezone": ZONE,
    "opens": "06:00",
    "closes": "21:00",
    "cutoffs": "06:00,12:00",
}
MORNING = "07:00"  # local: the vans leave then
WAVES = ("06:00", "12:00")  # the depot's cut-offs: what came by then leaves in that wave
MALL = "09:00-21:00"
BOARD_LAYOUT = "S4,M4,L4"  # the one locker with a running (simulated) board
BANK_LAYOUT = "S8,M6,L4"

# The board's locker first: it is the one whose courier types at a keypad.
SITES = [
    Site("KRK-04", "Karmelicka", "ul. Karmelicka 10, 31-128 Kraków",
         50.0652, 19.9311, "24/7", BOARD_LAYOUT, 8),
    Site("KRK-01", "Galeria Krakowska", "ul. Pawia 5, 31-154 Kraków",
         50.0675, 19.9453, MALL, BANK_LAYOUT, 14),
    Site("KRK-02", "Bonarka City Center", "ul. Kamieńskiego 11, 30-644 Kraków",
         50.0296, 19.9508, MALL, BANK_LAYOUT, 12),
    Site("KRK-03", "Kazimierz", "ul. Józefa 12, 31-056 Kraków",
         50.0513, 19.9449, "24/7", BANK_LAYOUT, 11),
    Site("KRK-05", "Podgórze", "ul. Kalwaryjska 30, 30-504 Kraków",
         50.0446, 19.9476, "24/7", BANK_LAYOUT, 10),
    Site("KRK-06", "Nowa Huta", "os. Centrum A 1, 31-923 Kraków",
         50.0717, 20.0373, "24/7", BANK_LAYOUT, 9),
    Site("KRK-07", "Czyżyny", "al. Pokoju 44, 31-564 Kraków",
         50.0636, 19.9905, "24/7", BANK_LAYOUT, 8),
    Site("KRK-08", "Grzegórzki", "ul. Grzegórzecka 21, 31-532 Kraków",
         50.0579, 19.9542, "24/7", BANK_LAYOUT, 10),
    Site("KRK-09", "Krowodrza", "ul. Królewska 57, 30-081 Kraków",
         50.0738, 19.9196, "24/7", BANK_LAYOUT, 11),
    Site("KRK-10", "Bronowice", "ul. Bronowicka 42, 30-091 Kraków",
         50.0812, 19.8979, "24/7", BANK_LAYOUT, 9),
    Site("KRK-11", "Salwator", "ul. Kościuszki 45, 30-114 Kraków",
         50.0541, 19.9147, "24/7", BANK_LAYOUT, 8),
    Site("KRK-12", "Dębniki", "ul. Zielna 14, 30-303 Kraków",
         50.0462, 19.9226, "24/7", BANK_LAYOUT, 10),
    Site("KRK-13", "Prądnik Biały", "ul. Opolska 12, 31-323 Kraków",
         50.0885, 19.9268, "24/7", BANK_LAYOUT, 9),
    Site("KRK-14", "Prądnik Czerwony", "ul. Dobrego Pasterza 100, 31-416 Kraków",
         50.0858, 19.9702, "24/7", BANK_LAYOUT, 10),
    Site("KRK-15", "Łagiewniki", "ul. Zakopiańska 62, 30-418 Kraków",
         50.0238, 19.9329, "24/7", BANK_LAYOUT, 9),
    Site("KRK-16", "Płaszów", "ul. Wielicka 28, 30-552 Kraków",
         50.0401, 19.9696, "24/7", BANK_LAYOUT, 11),
    Site("KRK-17", "Bieżanów", "ul. Mała Góra 30, 30-864 Kraków",
         50.0182, 20.0148, "24/7", BANK_LAYOUT, 8),
    Site("KRK-18", "Azory", "ul. Pasteura 5, 31-222 Kraków",
         50.0902, 19.9451, "24/7", BANK_LAYOUT, 9),
    Site("KRK-19", "Ruczaj", "ul. Kobierzyńska 98, 30-382 Kraków",
         50.0302, 19.9052, "24/7", BANK_LAYOUT, 10),
    Site("KRK-20", "Rondo Mogilskie", "ul. Mogilska 1, 31-516 Kraków",
         50.0638, 19.9583, "24/7", BANK_LAYOUT, 14),
]  # fmt: skip

# CO2 well to wheel: an electric van on Poland's grid still emits; a cargo bike barely.
KINDS = [
    Kind("e-van", "electric van", 80, 3000, 22, "07:00", "17:00", 0.18, 32, 90, 160),
    Kind("diesel", "diesel van", 80, 4000, 22, "07:00", "17:00", 0.40, 32, 260, None),
    Kind("bike", "cargo bike", 30, 400, 14, "07:00", "15:00", 0.02, 20, 5, 30),
]
FLEET = {"e-van": 2, "diesel": 1, "bike": 1}
# One courier per vehicle; the plan gives its routes to them in this order.
COURIERS = ["Ola Nowak", "Bartek Wiśniewski", "Kasia Zielińska", "Piotr Kowalczyk"]
CARRIERS = ("acme", "parcelco")

# (what it is, width, height, depth mm, how often): books and small boxes dominate.
GOODS = [
    ("a book", 200, 60, 150, 4),
    ("headphones", 120, 80, 90, 3),
    ("a phone case", 100, 30, 180, 2),
    ("a shoe box", 330, 130, 360, 4),
    ("a coffee grinder", 250, 180, 300, 2),
    ("a monitor", 360, 380, 600, 1),
]
FIRST_NAMES = ["Anna", "Jan", "Zofia", "Marek", "Ewa", "Tomasz", "Maria", "Paweł", "Agata"]


def morning_parcels(seed=2026):
    """{locker id: [Spec, ...]}: each locker's parcels of the morning, fitting its layout."""
    rng = Random(seed)
    made, serial = {}, 0
    for site in SITES:
        made[site.id] = []
        large_left = _count(site.layout, "L")
        for _ in range(site.parcels):
            serial += 1
            made[site.id].append(_spec(rng, serial, large_left > 0))
            large_left -= made[site.id][-1].depth >= 600
    return made


def extra_parcel():
    """The parcel pre-advised at mid-day, after the plan was made."""
    return Spec("acme", "900000001", 330, 130, 360, "Wanda", "+48500900001", "a late order")


def _spec(rng, serial, large_allowed):
    goods = [g for g in GOODS if large_allowed or g[3] < 600]
    what, width, height, depth, _ = rng.choices(goods, weights=[g[4] for g in goods])[0]
    carrier = CARRIERS[serial % len(CARRIERS)]
    code = "%d%08d" % (1 + serial % len(CARRIERS), serial)
    name = "%s %s." % (rng.choice(FIRST_NAMES), chr(ord("A") + serial % 26))
    return Spec(carrier, code, width, height, depth, name, "+4850%07d" % serial, what)


def _count(layout, size):
    for part in layout.split(","):
        if part.startswith(size):
            return int(part[1:])
    return 0
