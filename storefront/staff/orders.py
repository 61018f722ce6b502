"""Orders in the back office: the filtered list and its CSV, an order's page, and the
actions its state allows (transfer, cash handover, steps, cancel, refunds, documents).

Every action is a POST that calls one service; success answers with a redirect
to the order's page, a refusal renders the page again with the reason and a 4xx.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from storefront.accounts.permissions import (
    Permission,
    current_actor,
    permission_required,
    recent_login_required,
)
from storefront.audit.services import audit_trail
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.impact.models import AttributionEntry, Partner, TrainingProgram
from storefront.money import parse_rupiah
from storefront.orders import queries
from storefront.orders import services as order_services
from storefront.orders.lifecycle import STEP_LABELS, advance, next_step
from storefront.orders.models import (
    DeliveryMethod,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentState,
)
from storefront.parsing import positive_int
from storefront.payments import services as payments
from storefront.payments.gateway import gateway_from_config
from storefront.payments.models import Refund
from storefront.staff.forms import (
    CancelForm,
    HandoverForm,
    PlainForm,
    RefundForm,
    SendRefundForm,
    StepForm,
    TransferForm,
)
from storefront.staff.views import staff
from storefront.templating import payment_state_label, rupiah, status_label

MAX_BULK = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- The list and its CSV ---------------------------------------------------------


def _filters() -> queries.OrderFilters:
    """The list's filters from the query string; unknown values are ignored, not errors."""
    args = request.args

    def choice(name: str, allowed) -> str:
        value = (args.get(name) or "")[:30]
        return value if value in {str(a) for a in allowed} else ""

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat((args.get(name) or "")[:10]) if args.get(name) else None
        except ValueError:
            return None

    return queries.OrderFilters(
        status=choice("status", OrderStatus),
        payment_state=choice("payment_state", PaymentState),
        payment_method=choice("payment_method", PaymentMethod),
        delivery_method=choice("delivery_method", DeliveryMethod),
        program_id=positive_int(args.get("program")),
        date_from=day("from"),
        date_to=day("to"),
        q=(args.get("q") or "")[:100],
    )


def _cursor() -> tuple[datetime, int] | None:
    raw = request.args.get("after") or ""
    moment, _, raw_id = raw.partition("_")
    order_id = positive_int(raw_id)
    try:
        when = datetime.fromisoformat(moment) if moment else None
    except ValueError:
        return None
    return (when, order_id) if when and order_id else None


@staff.get("/orders")
@permission_required(Permission.ORDERS_VIEW)
def order_list():
    """Orders, newest first, filtered and searched, in keyset pages of 50."""
    filters = _filters()
    rows, next_key = queries.order_page(filters, after=_cursor())
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    next_url = (
        url_for("staff.order_list", **args, after=f"{next_key[0].isoformat()}_{next_key[1]}")
        if next_key
        else None
    )
    programs = db.session.execute(
        select(TrainingProgram.id, TrainingProgram.name_id).order_by(TrainingProgram.name_id)
    ).all()
    return render_template(
        "staff/orders.html",
        rows=rows,
        filters=filters,
        args=args,
        next_url=next_url,
        programs=programs,
        statuses=list(OrderStatus),
        payment_states=list(PaymentState),
        form=PlainForm(),
    )


def _safe_cell(value) -> object:
    """A spreadsheet must not run a cell as a formula: text starting like one gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


@staff.get("/orders.csv")
@permission_required(Permission.ORDERS_VIEW)
def order_csv():
    """Every order the filters match (not one page), streamed as CSV."""
    filters = _filters()

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(queries.CSV_HEADER)
        for row in queries.order_csv_rows(filters):
            writer.writerow([_safe_cell(value) for value in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="cantik-orders.csv"'
    return response


# --- One order ----------------------------------------------------------------------


def _order_or_404(reference: str) -> Order:
    order = queries.find_order(reference)
    if order is None:
        abort(404)
    return order


def _ledger(order: Order) -> list[tuple]:
    return db.session.execute(
        select(
            TrainingProgram.name_id,
            Partner.name,
            AttributionEntry.share,
            AttributionEntry.amount,
            AttributionEntry.refund_id,
            AttributionEntry.occurred_on,
        )
        .join(TrainingProgram, TrainingProgram.id == AttributionEntry.program_id)
        .outerjoin(Partner, Partner.id == AttributionEntry.partner_id)
        .where(AttributionEntry.order_id == order.id)
        .order_by(AttributionEntry.id)
    ).all()


def render_order(order: Order, *, status: int = 200, error: str | None = None, **forms):
    """The order's page with the forms its state allows (kept filled in after a refusal)."""
    actor = current_actor()
    step = next_step(order)
    refund_lines = payments.order_line_units(order)
    context = {
        "order": order,
        "actor": actor,
        "step": step,
        "step_label": STEP_LABELS.get(step, "") if step else "",
        "ledger": _ledger(order),
        "trail": audit_trail("shop_order", order.id),
        "refund_lines": refund_lines,
        "refundable": payments.refundable(order),
        "approval_limit": current_app.config["REFUND_APPROVAL_RUPIAH"],
        "error": error,
        "transfer_form": forms.get("transfer_form") or TransferForm(formdata=None),
        "handover_form": forms.get("handover_form")
        or HandoverForm(formdata=None, pickup_code=request.args.get("code", "")),
        "step_form": forms.get("step_form") or StepForm(formdata=None, to_status=step or ""),
        "cancel_form": forms.get("cancel_form") or CancelForm(formdata=None),
        "refund_form": forms.get("refund_form") or RefundForm(formdata=None),
        "send_form": SendRefundForm(formdata=None),
        "plain_form": PlainForm(formdata=None),
    }
    return render_template("staff/order.html", **context), status


def _refused(order: Order, error: DomainError | str, status: int | None = None, **forms):
    message = error.message if isinstance(error, DomainError) else error
    code = status or (error.status_code if isinstance(error, DomainError) else 422)
    db.session.rollback()
    db.session.refresh(order)
    return render_order(order, status=code, error=message, **forms)


def _form_errors(form) -> str:
    return " ".join(str(m) for messages in form.errors.values() for m in messages)


def _done(order: Order, message: str):
    flash(message, "success")
    return redirect(url_for("staff.order_detail", reference=order.reference), code=303)


@staff.get("/orders/<reference>")
@permission_required(Permission.ORDERS_VIEW)
def order_detail(reference: str):
    """Lines, contact, delivery, payments, refunds, ledger, timeline and the allowed actions."""
    return render_order(_order_or_404(reference))


@staff.get("/pickup")
@permission_required(Permission.ORDERS_VIEW)
def find_pickup():
    """A pickup code typed or scanned at the counter opens its order, code filled in."""
    code = request.args.get("code", "")
    order = queries.find_by_pickup_code(code)
    if order is None:
        return render_template("staff/pickup.html", code=code[:12], not_found=bool(code)), (
            404 if code else 200
        )
    return redirect(
        url_for("staff.order_detail", reference=order.reference, code=order.pickup_code)
    )


@staff.post("/orders/<reference>/transfer")
@permission_required(Permission.PAYMENTS_CONFIRM)
def record_transfer(reference: str):
    """Staff record the transfer seen on the bank statement."""
    order = _order_or_404(reference)
    form = TransferForm()
    if not form.validate():
        return _refused(order, _form_errors(form), 422, transfer_form=form)
    try:
        outcome = payments.record_bank_transfer(
            current_actor(),
            order_id=order.id,
            amount_rupiah=form.amount.parsed,
            received_on=form.received_on.data,
            bank_reference=form.bank_reference.data,
        )
    except DomainError as error:
        return _refused(order, error, transfer_form=form)
    if outcome.result == "paid":
        return _done(order, _("Transfer recorded: the order is paid."))
    flash(
        _(
            "Transfer recorded, but the amount received (%(received)s) does not match the "
            "total: the order waits for the difference to be settled.",
            received=rupiah(order.received_total),
        ),
        "warning",
    )
    return redirect(url_for("staff.order_detail", reference=order.reference), code=303)


@staff.post("/orders/<reference>/handover")
@permission_required(Permission.PAYMENTS_CONFIRM)
def hand_over(reference: str):
    """The buyer collects a cash order: the code is checked and the cash recorded."""
    order = _order_or_404(reference)
    form = HandoverForm()
    if not form.validate():
        return _refused(order, _form_errors(form), 422, handover_form=form)
    try:
        payments.hand_over_for_cash(
            current_actor(),
            order_id=order.id,
            pickup_code=form.pickup_code.data,
            cash_received=form.cash_received.parsed,
        )
    except DomainError as error:
        return _refused(order, error, handover_form=form)
    change = form.cash_received.parsed - order.total
    message = _("Paid in cash and collected.")
    if change > 0:
        message += " " + _("Change to give: %(change)s.", change=rupiah(change))
    return _done(order, message)


@staff.post("/orders/<reference>/step")
@permission_required(Permission.ORDERS_FULFIL)
def take_step(reference: str):
    """Take the order's next step (shipping names the courier and tracking number)."""
    order = _order_or_404(reference)
    form = StepForm()
    if not form.validate():
        return _refused(order, _form_errors(form), 422, step_form=form)
    try:
        advance(
            current_actor(),
            order_id=order.id,
            to_status=form.to_status.data,
            courier=form.courier.data,
            tracking_number=(form.tracking_number.data or "")[:200],
        )
    except DomainError as error:
        return _refused(order, error, step_form=form)
    return _done(
        order,
        _("Order %(ref)s: %(status)s.", ref=order.reference, status=status_label(order.status)),
    )


@staff.post("/orders/<reference>/cancel")
@permission_required(Permission.ORDERS_CANCEL)
def cancel(reference: str):
    """Cancel an unpaid order; its stock goes back on sale."""
    order = _order_or_404(reference)
    form = CancelForm()
    if not form.validate():
        return _refused(order, _form_errors(form), 422, cancel_form=form)
    try:
        order_services.cancel_unpaid_order(
            current_actor(), order_id=order.id, reason=form.reason.data or "cancelled by staff"
        )
    except DomainError as error:
        return _refused(order, error, cancel_form=form)
    return _done(order, _("Order cancelled; its items are back on sale."))


def _refund_request(order: Order, form: RefundForm) -> payments.RefundRequest:
    lines = {}
    for line in order.lines:
        raw = (request.form.get(f"qty-{line.id}") or "0").strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
            raise payments.RefundError(
                _("Quantities to refund must be whole numbers, zero or more.")
            )
        if int(raw):
            lines[line.id] = (int(raw), request.form.get(f"restock-{line.id}") == "1")
    money_only = 0
    if (form.money_only.data or "").strip():
        parsed = parse_rupiah(form.money_only.data)
        if parsed is None or parsed <= 0:
            raise payments.RefundError(_("Enter an amount in whole rupiah, for example 150.000."))
        money_only = parsed
    return payments.RefundRequest(
        lines=lines, delivery_fee=bool(form.delivery_fee.data), money_only=money_only
    )


@staff.post("/orders/<reference>/refunds")
@permission_required(Permission.REFUNDS_CREATE)
@recent_login_required
def create_refund(reference: str):
    """Record a refund by line and quantity (plus the delivery fee), then send it if it
    needs no second approval and the money goes back to a card."""
    order = _order_or_404(reference)
    form = RefundForm()
    if not form.validate():
        return _refused(order, _form_errors(form), 422, refund_form=form)
    actor = current_actor()
    try:
        refund = payments.request_refund(
            actor,
            order_id=order.id,
            request=_refund_request(order, form),
            reason=form.reason.data,
            approval_limit=current_app.config["REFUND_APPROVAL_RUPIAH"],
        )
    except DomainError as error:
        return _refused(order, error, refund_form=form)
    if refund.needs_approval:
        return _done(order, _("Refund recorded; it waits for a second finance officer's approval."))
    if refund.method == PaymentMethod.CARD:
        try:
            payments.send_refund(
                actor, refund_id=refund.id, gateway=gateway_from_config(current_app.config)
            )
        except DomainError as error:
            return _refused(order, error)
        return _done(order, _("Refund sent to the buyer's card."))
    return _done(order, _("Refund recorded; enter the outgoing transfer's reference to send it."))


def _refund_or_404(refund_id: int) -> tuple[Refund, Order]:
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        abort(404)
    return refund, db.session.get(Order, refund.order_id)


@staff.post("/refunds/<int:refund_id>/approve")
@permission_required(Permission.REFUNDS_APPROVE)
@recent_login_required
def approve_refund(refund_id: int):
    """A second finance officer approves a large refund (and a card refund is sent)."""
    refund, order = _refund_or_404(refund_id)
    if not PlainForm().validate():
        abort(400)
    actor = current_actor()
    try:
        payments.approve_refund(actor, refund_id=refund.id)
        if refund.method == PaymentMethod.CARD:
            payments.send_refund(
                actor, refund_id=refund.id, gateway=gateway_from_config(current_app.config)
            )
    except DomainError as error:
        return _refused(order, error)
    return _done(order, _("Refund approved."))


@staff.post("/refunds/<int:refund_id>/send")
@permission_required(Permission.REFUNDS_CREATE)
@recent_login_required
def send_refund(refund_id: int):
    """Send a recorded refund: a card refund through Stripe, or a transfer made by staff."""
    refund, order = _refund_or_404(refund_id)
    form = SendRefundForm()
    if not form.validate():
        return _refused(order, _form_errors(form), 422)
    try:
        card = refund.method == PaymentMethod.CARD
        payments.send_refund(
            current_actor(),
            refund_id=refund.id,
            gateway=gateway_from_config(current_app.config) if card else None,
            outgoing_reference=form.outgoing_reference.data or "",
        )
    except DomainError as error:
        return _refused(order, error)
    return _done(order, _("Refund sent."))


# --- Bulk actions and documents ------------------------------------------------------


def _selected_references() -> list[str]:
    values = request.values.getlist("ref")[:MAX_BULK]
    return [v.strip().upper()[:20] for v in values if v.strip()]


@staff.post("/orders/bulk")
@permission_required(Permission.ORDERS_FULFIL)
def bulk_action():
    """Mark the selected orders packed, or print their packing slips."""
    if not PlainForm().validate():
        abort(400)
    references = _selected_references()
    if not references:
        flash(_("Select at least one order."), "error")
        return redirect(url_for("staff.order_list"), code=303)
    if request.form.get("action") == "slips":
        return redirect(url_for("staff.packing_slips", ref=references), code=303)
    if request.form.get("action") != "pack":
        abort(400, description=_("Unknown action."))
    actor = current_actor()
    packed, refused = [], []
    for reference in references:
        order = queries.find_order(reference)
        if order is None or next_step(order) != OrderStatus.PACKED:
            refused.append(reference)
            continue
        try:
            advance(actor, order_id=order.id, to_status=OrderStatus.PACKED)
            packed.append(reference)
        except DomainError:
            db.session.rollback()
            refused.append(reference)
    if packed:
        flash(_("Marked packed: %(refs)s.", refs=", ".join(packed)), "success")
    if refused:
        flash(_("Not packed (not ready to pack): %(refs)s.", refs=", ".join(refused)), "warning")
    return redirect(url_for("staff.order_list", status=OrderStatus.PAID), code=303)


@staff.get("/orders/slips")
@permission_required(Permission.ORDERS_VIEW)
def packing_slips():
    """Packing slips, without prices, for the selected orders, one per page."""
    orders = [o for o in (queries.find_order(r) for r in _selected_references()) if o]
    if not orders:
        abort(404)
    return render_template("staff/packing_slip.html", orders=orders)


@staff.get("/orders/<reference>/packing-slip")
@permission_required(Permission.ORDERS_VIEW)
def packing_slip(reference: str):
    """The packing slip of one order: what is in the parcel, and no prices (gifts)."""
    return render_template("staff/packing_slip.html", orders=[_order_or_404(reference)])


@staff.get("/orders/<reference>/invoice")
@permission_required(Permission.ORDERS_VIEW)
def invoice(reference: str):
    """The invoice as a printable A4 page, or an 80 mm counter receipt (?format=receipt)."""
    order = _order_or_404(reference)
    if not order.invoice_number:
        abort(404, description=_("This order has no invoice yet: it is not paid."))
    receipt = request.args.get("format") == "receipt"
    return render_template(
        "staff/invoice.html", order=order, receipt=receipt, payment_state_label=payment_state_label
    )
