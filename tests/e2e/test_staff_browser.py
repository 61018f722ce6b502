"""Staff run orders from a phone in headless Chromium, in Indonesian.

An operations user signs in at 390 px wide, finds a bank-transfer order,
records the transfer seen on the bank statement, packs it and ships it with
a JNE tracking number; the buyer's order page then names the courier and
links to its tracking page. A second test hands over a pickup order paid in
cash against its pickup code. Each step is screenshotted into ``tmp_path``
(and into ``CANTIK_SHOTS`` when that is set, for looking at the screens).
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from browser_support import (  # noqa: F401  (fixtures: browser, phone, problems)
    browser_fixture,
    phone_fixture,
    problems_fixture,
    snap,
)
from factories import make_category, make_product, make_program
from payment_support import place_card_order, set_courier_rate
from playwright.sync_api import Page, expect
from staff_support import PASSWORD, StaffActions

from storefront.extensions import db
from storefront.orders.models import Order

pytestmark = pytest.mark.browser
PRICE = 450_000


@pytest.fixture
def shop(app):
    category = make_category()
    program = make_program()
    product = make_product(category, program, prices=(PRICE,), on_hand=6)
    set_courier_rate(zone="palembang", first_kg=20_000, per_extra_kg=5_000)
    db.session.commit()
    return product.variants[0]


def shot(page: Page, tmp_path: Path, name: str) -> None:
    path = snap(page, tmp_path / f"{name}.png")
    target = os.environ.get("CANTIK_SHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.goto(f"{live_server.url}/staff/")
    expect(page.locator("h1")).to_have_text("Hari ini")


def reload(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_operations_confirm_a_transfer_then_pack_and_ship_it(
    app, client, shop, live_server, phone, problems, tmp_path
):
    buyer = app.test_client()
    order = place_card_order(buyer, shop, payment_method="bank_transfer", delivery="courier")
    user = StaffActions(app, client).user("operations")
    sign_in(phone, live_server, user.email)
    shot(phone, tmp_path, "staff-1-dashboard")
    phone.click("text=Transfer yang perlu dikonfirmasi")
    phone.click(f"text={order.reference}")
    expect(phone.locator("h1")).to_have_text(order.reference)

    phone.fill("#amount", f"{order.total:,}".replace(",", "."))
    phone.fill("#received_on", date.today().isoformat())
    phone.fill("#bank_reference", "BSB 771204")
    shot(phone, tmp_path, "staff-2-transfer")
    phone.click("form[action$='/transfer'] button[type=submit]")
    expect(phone.locator(".flash.success")).to_be_visible()
    assert reload(order).payment_state == "paid"

    phone.click("form[action$='/step'] button[type=submit]")  # packed
    expect(phone.locator(".badge.status-packed")).to_be_visible()
    phone.select_option("#courier", "jne")
    phone.fill("#tracking_number", "CGK1234567890")
    shot(phone, tmp_path, "staff-3-ship")
    phone.click("form[action$='/step'] button[type=submit]")
    expect(phone.locator(".badge.status-shipped")).to_be_visible()
    shot(phone, tmp_path, "staff-4-shipped")

    phone.goto(f"{live_server.url}/orders/{order.access_token}")
    tracking = phone.locator(".tracking")
    expect(tracking).to_contain_text("JNE")
    expect(tracking).to_contain_text("CGK1234567890")
    link = tracking.locator("a")
    assert "jne.co.id" in link.get_attribute("href") and "CGK1234567890" in link.get_attribute(
        "href"
    )
    shot(phone, tmp_path, "staff-5-buyer-page")
    assert reload(order).status == "shipped"


def test_a_pickup_order_is_paid_in_cash_against_its_pickup_code(
    app, client, shop, live_server, phone, problems, tmp_path
):
    buyer = app.test_client()
    order = place_card_order(buyer, shop, 2, payment_method="cash_on_pickup", delivery="pickup")
    user = StaffActions(app, client).user("operations")
    sign_in(phone, live_server, user.email)
    phone.goto(f"{live_server.url}/staff/orders/{order.reference}")
    phone.click("form[action$='/step'] button[type=submit]")  # ready for pickup
    expect(phone.locator(".badge.status-ready_for_pickup")).to_be_visible()

    # At the counter: the buyer shows the code; staff type it on the dashboard.
    phone.goto(f"{live_server.url}/staff/")
    phone.fill("#code", order.pickup_code.lower())
    phone.click("form.pickup-lookup button")
    expect(phone.locator("h1")).to_have_text(order.reference)
    expect(phone.locator("#pickup_code")).to_have_value(order.pickup_code)
    phone.fill("#cash_received", "1.000.000")
    shot(phone, tmp_path, "staff-6-handover")
    phone.click("form[action$='/handover'] button[type=submit]")
    expect(phone.locator(".flash.success")).to_contain_text("100.000")  # change to give
    shot(phone, tmp_path, "staff-7-collected")
    order = reload(order)
    assert (order.status, order.payment_state) == ("collected", "paid")
    phone.goto(f"{live_server.url}/staff/cash-up")
    expect(phone.locator("tfoot")).to_contain_text("900.000")
