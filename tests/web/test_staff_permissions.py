"""Who may open what in the back office (and the partner portal): every route declares a
permission, and each role gets exactly the pages its permissions allow."""

from __future__ import annotations

import pytest
from factories import make_category, make_partner, make_product, make_program
from order_support import pay_by_transfer
from payment_support import place_card_order, set_courier_rate
from staff_support import ROLES, StaffActions

from storefront.accounts.permissions import ROLE_PERMISSIONS
from storefront.extensions import db
from storefront.payments import services as payments

GUARDED_PREFIXES = ("/staff", "/partner")


def guarded_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(rule.rule == p or rule.rule.startswith(p + "/") for p in GUARDED_PREFIXES)
    ]


def test_every_back_office_and_portal_route_declares_a_permission(app):
    rules = guarded_rules(app)
    assert len(rules) >= 15  # the walk found the back office
    undeclared = [
        rule.rule
        for rule in rules
        if getattr(app.view_functions[rule.endpoint], "required_permission", None) is None
    ]
    assert undeclared == []


@pytest.fixture
def world(app):
    """A paid order with a refund waiting, so every URL has something to show."""
    category = make_category()
    program = make_program()
    product = make_product(category, program, prices=(2_000_000,), on_hand=5)
    partner = make_partner()
    set_courier_rate(zone="palembang", first_kg=20_000, per_extra_kg=5_000)
    db.session.commit()
    order = place_card_order(app.test_client(), product.variants[0], payment_method="bank_transfer")
    pay_by_transfer(order)
    from order_support import FINANCE

    refund = payments.request_refund(
        FINANCE,
        order_id=order.id,
        request=payments.RefundRequest(lines={order.lines[0].id: (1, True)}),
        reason="test",
        approval_limit=1_000_000,
    )
    return {"reference": order.reference, "refund_id": refund.id, "partner": partner.slug}


# Pages that show something only when the query string names it.
QUERIES = {"staff.packing_slips": "ref"}


def concrete(rule, world) -> str:
    values = {arg: world.get(arg, "x") for arg in rule.arguments}
    url = rule.build(values, append_unknown=False)[1]
    if rule.endpoint in QUERIES:
        url += f"?{QUERIES[rule.endpoint]}={world['reference']}"
    return url


def expected_get(role: str, permission) -> int:
    return 200 if permission in ROLE_PERMISSIONS.get(role, frozenset()) else 403


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_pages_its_permissions_allow(app, client, world, role):
    staff = StaffActions(app, client, partner_slug=world["partner"])
    staff.login(role)
    wrong = []
    for rule in guarded_rules(app):
        url = concrete(rule, world)
        permission = app.view_functions[rule.endpoint].required_permission
        allowed = permission in ROLE_PERMISSIONS.get(role, frozenset())
        if "GET" in rule.methods:
            answer = client.get(url)
            if answer.status_code != expected_get(role, permission):
                wrong.append((url, "GET", answer.status_code))
        if "POST" in rule.methods:
            answer = client.post(url, data={})
            refused = answer.status_code == 403
            if refused != (not allowed or role == "auditor"):
                wrong.append((url, "POST", answer.status_code))
    assert wrong == []


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(app, client, world):
    for rule in guarded_rules(app):
        url = concrete(rule, world)
        for method in sorted(rule.methods & {"GET", "POST"}):
            answer = client.open(url, method=method)
            assert answer.status_code == 302, (method, url)
            assert "/account/login" in answer.headers["Location"]
