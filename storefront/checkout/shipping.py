"""Delivery zones and prices: courier by chargeable weight and zone, same-day, pickup.

The chargeable weight of a parcel is the larger of its actual weight and its
volumetric weight (length x width x height in cm / 6000, in kg), charged per
started kilogram.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from storefront.domain import DomainError
from storefront.extensions import db
from storefront.orders.models import DeliveryMethod, ShippingRate

VOLUMETRIC_DIVISOR = 6000

# What buyers read for each delivery method (checkout form, order pages, e-mails).
DELIVERY_LABELS = {
    DeliveryMethod.COURIER.value: _l("Courier to your address"),
    DeliveryMethod.SAME_DAY.value: _l("Same-day delivery in Palembang"),
    DeliveryMethod.PICKUP.value: _l("Pick up at the shop (free)"),
}

SUMATRA = (
    "Aceh",
    "Sumatera Utara",
    "Sumatera Barat",
    "Riau",
    "Kepulauan Riau",
    "Jambi",
    "Bengkulu",
    "Kepulauan Bangka Belitung",
    "Lampung",
)
JAVA = ("DKI Jakarta", "Jawa Barat", "Banten", "Jawa Tengah", "DI Yogyakarta", "Jawa Timur")
OTHER = (
    "Bali",
    "Nusa Tenggara Barat",
    "Nusa Tenggara Timur",
    "Kalimantan Barat",
    "Kalimantan Tengah",
    "Kalimantan Selatan",
    "Kalimantan Timur",
    "Kalimantan Utara",
    "Sulawesi Utara",
    "Gorontalo",
    "Sulawesi Tengah",
    "Sulawesi Barat",
    "Sulawesi Selatan",
    "Sulawesi Tenggara",
    "Maluku",
    "Maluku Utara",
    "Papua",
    "Papua Barat",
    "Papua Barat Daya",
    "Papua Tengah",
    "Papua Pegunungan",
    "Papua Selatan",
)
PROVINCES = ("Sumatera Selatan",) + SUMATRA + JAVA + OTHER


class DeliveryNotPossible(DomainError):
    """The chosen delivery method cannot carry this cart to this address."""


def zone_for(province: str, city: str) -> str:
    """The courier zone of an Indonesian address."""
    if province == "Sumatera Selatan":
        return (
            "palembang" if city.strip().casefold() in ("palembang", "kota palembang") else "sumsel"
        )
    if province in SUMATRA:
        return "sumatra"
    if province in JAVA:
        return "java"
    return "other"


@dataclass(frozen=True)
class Parcel:
    """One kind of item in the parcel: its size, weight and how many."""

    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int
    quantity: int


def chargeable_weight_grams(parcels: Iterable[Parcel]) -> int:
    """The larger of the actual and the volumetric weight of everything, in grams."""
    parcels = list(parcels)
    actual = sum(p.weight_grams * p.quantity for p in parcels)
    volume = sum(p.length_cm * p.width_cm * p.height_cm * p.quantity for p in parcels)
    volumetric = math.ceil(volume * 1000 / VOLUMETRIC_DIVISOR)
    return max(actual, volumetric)


def kilogram_steps(grams: int) -> int:
    """Started kilograms, at least one."""
    return max(1, math.ceil(grams / 1000))


def allowed_methods(*, has_perishable: bool, zone: str | None) -> list[str]:
    """Delivery methods for a cart: perishables only travel same-day within Palembang."""
    methods = [DeliveryMethod.PICKUP.value]
    if zone in (None, "palembang"):
        methods.append(DeliveryMethod.SAME_DAY.value)
    if not has_perishable:
        methods.append(DeliveryMethod.COURIER.value)
    return methods


def delivery_fee(*, method: str, zone: str | None, grams: int) -> int:
    """What delivery costs, in rupiah, from the staff-editable rate table.

    Raises ``DeliveryNotPossible`` when no rate covers the method and zone
    (same-day outside Palembang, for instance).
    """
    if method == DeliveryMethod.PICKUP:
        return 0
    if method == DeliveryMethod.SAME_DAY and zone != "palembang":
        raise DeliveryNotPossible(_("Same-day delivery is only available within Palembang."))
    rate = db.session.execute(
        select(ShippingRate).where(ShippingRate.method == method, ShippingRate.zone == zone)
    ).scalar_one_or_none()
    if rate is None:
        raise DeliveryNotPossible(_("We cannot deliver to that address with the chosen method."))
    return rate.first_kg + rate.per_extra_kg * (kilogram_steps(grams) - 1)
