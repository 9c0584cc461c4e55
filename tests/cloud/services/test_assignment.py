"""choose_compartment is pure: plain objects in, one compartment (or a refusal) out."""

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloud.models import COMPARTMENT_SIZES, CompartmentState
from cloud.services.assignment import choose_compartment, fits, inner_dimensions, volume
from cloud.services.errors import Conflict


@dataclass
class Box:
    number: int
    size: str
    state: str = "free"
    accessible: bool = False

    @property
    def width_mm(self):
        return COMPARTMENT_SIZES[self.size][0]

    @property
    def height_mm(self):
        return COMPARTMENT_SIZES[self.size][1]

    @property
    def depth_mm(self):
        return COMPARTMENT_SIZES[self.size][2]


def boxes(sizes, taken=()):
    return [Box(n, s, "occupied" if n in taken else "free") for n, s in enumerate(sizes, 1)]


def test_picks_the_smallest_compartment_the_parcel_fits():
    assert choose_compartment(boxes("LMS"), (300, 80, 500)).size == "S"
    assert choose_compartment(boxes("LMS"), (300, 150, 500)).size == "M"
    assert choose_compartment(boxes("LMS"), (300, 400, 500)).size == "L"


def test_a_parcel_may_be_turned_to_fit():
    assert choose_compartment(boxes("LMS"), (640, 380, 90)).size == "S"  # S on its side
    assert choose_compartment(boxes("LMS"), (90, 640, 380)).size == "S"
    assert choose_compartment(boxes("LM"), (640, 100, 380)).size == "M"  # long side along the depth
    assert (
        choose_compartment(boxes("LM"), (200, 200, 200)).size == "L"
    )  # taller than M however turned


def test_ties_go_to_the_lowest_number():
    compartments = [Box(7, "M"), Box(3, "M"), Box(5, "M")]
    assert choose_compartment(compartments, (100, 100, 100)).number == 3


def test_taken_compartments_are_skipped():
    assert choose_compartment(boxes("SSM", taken={1, 2}), (100, 50, 100)).number == 3


def test_exactly_the_inner_size_fits():
    assert choose_compartment(boxes("S"), (380, 90, 640)).number == 1


def test_refuses_a_parcel_bigger_than_every_compartment():
    with pytest.raises(Conflict) as refusal:
        choose_compartment(boxes("SML"), (381, 411, 641))
    assert refusal.value.code == "no_compartment_fits"


def test_refuses_when_every_compartment_it_fits_is_taken():
    with pytest.raises(Conflict) as refusal:
        choose_compartment(boxes("SML", taken={3}), (300, 400, 500))  # only L fits; S and M free
    assert refusal.value.code == "locker_full"


def test_an_empty_locker_fits_nothing():
    with pytest.raises(Conflict) as refusal:
        choose_compartment([], (1, 1, 1))
    assert refusal.value.code == "no_compartment_fits"


states = st.sampled_from(["free", "reserved", "occupied", "open", "out_of_service", "jammed"])
lockers = st.lists(st.tuples(st.sampled_from("SML"), states), max_size=12).map(
    lambda specs: [Box(n, size, state) for n, (size, state) in enumerate(specs, 1)]
)
parcels = st.tuples(*[st.integers(1, 700)] * 3)


@given(lockers, parcels)
def test_the_choice_fits_and_nothing_smaller_free_does(compartments, parcel):
    try:
        chosen = choose_compartment(compartments, parcel)
    except Conflict as refusal:
        fitting = [c for c in compartments if fits(parcel, inner_dimensions(c))]
        assert refusal.code == ("locker_full" if fitting else "no_compartment_fits")
        assert not any(c.state == "free" for c in fitting)
        return
    assert chosen.state == "free" and fits(parcel, inner_dimensions(chosen))
    rank = (volume(inner_dimensions(chosen)), chosen.number)
    assert not any(
        c.state == "free"
        and fits(parcel, inner_dimensions(c))
        and (volume(inner_dimensions(c)), c.number) < rank
        for c in compartments
    )


def test_an_accessible_parcel_gets_only_an_accessible_compartment():
    compartments = boxes("SSM")
    compartments[2].accessible = True  # the M, low
    assert choose_compartment(compartments, (100, 50, 100), accessible=True).number == 3
    compartments[2].state = CompartmentState.OCCUPIED
    with pytest.raises(Conflict) as refused:
        choose_compartment(compartments, (100, 50, 100), accessible=True)
    assert refused.value.code == "locker_full" and "accessible" in str(refused.value)


def test_an_accessible_parcel_that_fits_no_accessible_compartment_is_refused():
    compartments = boxes("SL")
    compartments[0].accessible = True
    with pytest.raises(Conflict) as refused:
        choose_compartment(compartments, (300, 400, 500), accessible=True)
    assert refused.value.code == "no_compartment_fits"


def test_other_parcels_leave_the_accessible_compartments_free_while_another_fits():
    compartments = boxes("SM")
    compartments[0].accessible = True  # the smaller one is the low one
    assert choose_compartment(compartments, (100, 50, 100)).number == 2  # M, though S fits
    compartments[1].state = CompartmentState.OCCUPIED
    assert choose_compartment(compartments, (100, 50, 100)).number == 1  # then the low S
