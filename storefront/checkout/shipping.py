"""Delivery zones and prices: courier by chargeable weight and zone, same-day, pickup.

The chargeable weight of a parcel is the larger of its actual weight and its
volumetric weight (length x width x height in cm / 6000, in kg), charged per
started kilogram.
"""

from __future__ import annotations

import math
import re
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


# Palembang's kecamatan (districts): a buyer often writes one instead of the city.
PALEMBANG_DISTRICTS = (
    "Alang-Alang Lebar",
    "Bukit Kecil",
    "Gandus",
    "Ilir Barat I",
    "Ilir Barat II",
    "Ilir Timur I",
    "Ilir Timur II",
    "Ilir Timur III",
    "Jakabaring",
    "Kalidoni",
    "Kemuning",
    "Kertapati",
    "Plaju",
    "Sako",
    "Sematang Borang",
    "Seberang Ulu I",
    "Seberang Ulu II",
    "Sukarami",
)
# The other cities and regencies of South Sumatra: naming one means "not Palembang".
SOUTH_SUMATRA_PLACES = (
    "Kota Prabumulih",
    "Kota Pagar Alam",
    "Kota Lubuklinggau",
    "Kabupaten Banyuasin",
    "Kabupaten Empat Lawang",
    "Kabupaten Lahat",
    "Kabupaten Muara Enim",
    "Kabupaten Musi Banyuasin",
    "Kabupaten Musi Rawas",
    "Kabupaten Musi Rawas Utara",
    "Kabupaten Ogan Ilir",
    "Kabupaten Ogan Komering Ilir",
    "Kabupaten Ogan Komering Ulu",
    "Kabupaten Ogan Komering Ulu Selatan",
    "Kabupaten Ogan Komering Ulu Timur",
    "Kabupaten Penukal Abab Lematang Ilir",
)
# Palembang's postal codes: 301xx on the Ilir bank, 302xx on the Ulu bank (Seberang Ulu,
# Plaju, Kertapati, Jakabaring) and 3096x towards the airport (Sukarami, Alang-Alang
# Lebar). The rest of 30xxx-32xxx belongs to the regencies (Ogan Ilir and Ogan Komering
# Ilir 306xx, Banyuasin and Musi Banyuasin 307xx...), which same-day delivery does not reach.
PALEMBANG_POSTAL_CODES = (range(30111, 30300), range(30961, 30970))
OTHER_CITIES = (
    "Kota Bandar Lampung",
    "Kota Bandung",
    "Kota Batam",
    "Kota Bekasi",
    "Kota Bengkulu",
    "Kota Bogor",
    "Kota Denpasar",
    "Kota Depok",
    "Kota Jambi",
    "Kota Jakarta Barat",
    "Kota Jakarta Pusat",
    "Kota Jakarta Selatan",
    "Kota Jakarta Timur",
    "Kota Jakarta Utara",
    "Kota Makassar",
    "Kota Malang",
    "Kota Medan",
    "Kota Padang",
    "Kota Pangkal Pinang",
    "Kota Pekanbaru",
    "Kota Semarang",
    "Kota Surabaya",
    "Kota Surakarta",
    "Kota Tangerang",
    "Kota Yogyakarta",
)
# What the city field suggests: Palembang and its districts first, then South Sumatra.
KNOWN_PLACES = (
    ("Kota Palembang",)
    + tuple(f"{district}, Palembang" for district in PALEMBANG_DISTRICTS)
    + SOUTH_SUMATRA_PLACES
    + OTHER_CITIES
)

_ROMAN = {"1": "i", "2": "ii", "3": "iii"}


def _place_words(text: str) -> str:
    """``text`` as lower-case words separated by single spaces, district numbers as I/II/III."""
    words = re.findall(r"[a-z0-9]+", text.casefold().replace("-", " "))
    return " " + " ".join(_ROMAN.get(word, word) for word in words) + " "


_DISTRICT_WORDS = tuple(_place_words(name) for name in PALEMBANG_DISTRICTS)
_ELSEWHERE_WORDS = tuple(
    _place_words(name.removeprefix("Kota ").removeprefix("Kabupaten "))
    for name in SOUTH_SUMATRA_PLACES
)


def is_palembang_postal_code(postal_code: str) -> bool:
    """Whether a five-digit postal code lies in Palembang."""
    code = (postal_code or "").strip()
    return code.isdigit() and len(code) == 5 and any(int(code) in r for r in PALEMBANG_POSTAL_CODES)


def names_palembang(city: str) -> bool:
    """Whether the city field says Palembang: the city itself or one of its districts
    ("Plaju", "Plaju, Palembang", "Seberang Ulu 1"), and no other regency."""
    words = _place_words(city)
    if any(place in words for place in _ELSEWHERE_WORDS):
        return False
    return " palembang " in words or any(district in words for district in _DISTRICT_WORDS)


def zone_for(province: str, city: str, postal_code: str = "") -> str:
    """The courier zone of an Indonesian address.

    Palembang is recognised by its name, by one of its districts in the city
    field, or by its postal code, all within South Sumatra.
    """
    if province == "Sumatera Selatan":
        in_city = names_palembang(city) or is_palembang_postal_code(postal_code)
        return "palembang" if in_city else "sumsel"
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


# Working days a courier parcel takes, by zone (what checkout promises, not a guarantee).
COURIER_DAYS = {
    "palembang": (1, 2),
    "sumsel": (2, 3),
    "sumatra": (2, 4),
    "java": (3, 5),
    "other": (4, 8),
}


def chargeable_grams_of(lines) -> int:
    """The chargeable weight of priced cart lines (anything with weight, size and quantity)."""
    return chargeable_weight_grams(
        Parcel(line.weight_grams, line.length_cm, line.width_cm, line.height_cm, line.quantity)
        for line in lines
    )


@dataclass(frozen=True)
class DeliveryOption:
    """A delivery method as checkout offers it, before the buyer reviews the order.

    ``fee`` is exact when the address's zone is known; otherwise ``fee`` is the
    cheapest zone's price and ``fee_to`` the dearest (a range). ``days`` are
    working days for a courier (lowest, highest), None for pickup and same-day.
    """

    method: str
    fee: int
    fee_to: int | None
    days: tuple[int, int] | None
    available: bool


def delivery_options(*, has_perishable: bool, zone: str | None, grams: int) -> list[DeliveryOption]:
    """Every delivery method the cart could travel by, priced for ``zone`` (or every
    zone, when the address is not known yet), in one query for the rates."""
    rates = {
        (rate.method, rate.zone): rate.first_kg + rate.per_extra_kg * (kilogram_steps(grams) - 1)
        for rate in db.session.scalars(select(ShippingRate))
    }
    allowed = allowed_methods(has_perishable=has_perishable, zone=zone)
    options = [DeliveryOption(DeliveryMethod.PICKUP.value, 0, None, None, True)]
    same_day = rates.get((DeliveryMethod.SAME_DAY.value, "palembang"))
    if same_day is not None:
        available = DeliveryMethod.SAME_DAY.value in allowed
        options.append(
            DeliveryOption(DeliveryMethod.SAME_DAY.value, same_day, None, None, available)
        )
    if not has_perishable:
        courier = {
            z: fee for (method, z), fee in rates.items() if method == DeliveryMethod.COURIER.value
        }
        if zone in courier:
            options.append(
                DeliveryOption(
                    DeliveryMethod.COURIER.value, courier[zone], None, COURIER_DAYS.get(zone), True
                )
            )
        elif courier:
            days = (
                min(d[0] for d in COURIER_DAYS.values()),
                max(d[1] for d in COURIER_DAYS.values()),
            )
            options.append(
                DeliveryOption(
                    DeliveryMethod.COURIER.value,
                    min(courier.values()),
                    max(courier.values()),
                    days,
                    True,
                )
            )
    return options
