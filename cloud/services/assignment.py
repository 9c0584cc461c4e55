"""Which compartment a parcel goes in: a pure function of the compartments and the parcel."""

from collections.abc import Iterable
from typing import Protocol

from cloud.models.states import CompartmentState
from cloud.services.errors import Conflict

Dimensions = tuple[int, int, int]


class CompartmentLike(Protocol):
    number: int
    state: str
    width_mm: int
    height_mm: int
    depth_mm: int
    accessible: bool


def inner_dimensions(compartment: CompartmentLike) -> Dimensions:
    """Width, height and depth of a compartment in mm."""
    return compartment.width_mm, compartment.height_mm, compartment.depth_mm


def fits(parcel: Dimensions, box: Dimensions) -> bool:
    """Whether a parcel fits in a box in some orientation (edges parallel to the box's)."""
    return all(p <= b for p, b in zip(sorted(parcel), sorted(box)))


def volume(dimensions: Dimensions) -> int:
    width, height, depth = dimensions
    return width * height * depth


def choose_compartment(
    compartments: Iterable[CompartmentLike], parcel: Dimensions, accessible: bool = False
) -> CompartmentLike:
    """The smallest free compartment the parcel fits in, ties broken by the lower number.

    A parcel for a recipient who asked for an accessible (low) compartment gets only those;
    any other parcel gets one only when no other fits, so they stay free for who needs them."""
    fitting = [
        c
        for c in compartments
        if fits(parcel, inner_dimensions(c)) and (c.accessible or not accessible)
    ]
    if not fitting:
        raise Conflict(
            "no_compartment_fits",
            f"a {_mm(parcel)} parcel fits no {_kind(accessible)}compartment of this locker",
        )
    free = [c for c in fitting if c.state == CompartmentState.FREE]
    if not free:
        raise Conflict(
            "locker_full",
            f"every {_kind(accessible)}compartment a {_mm(parcel)} parcel fits in is taken",
        )
    return min(
        free, key=lambda c: (c.accessible and not accessible, volume(inner_dimensions(c)), c.number)
    )


def _kind(accessible: bool) -> str:
    return "accessible " if accessible else ""


def _mm(dimensions: Dimensions) -> str:
    return "x".join(str(d) for d in dimensions) + " mm"
