"""back office: roles, audit log, order facets, payment receipts, refunds, stock movements

Revision ID: 0005_back_office
Revises: 0004_fts_longer_prefixes

The one ``status`` column becomes a lifecycle status and a payment state
(the refund state is derived from refunds); money received is kept as
receipts that are never changed; the audit log is append-only, enforced by
triggers on both databases.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_back_office"
down_revision = "0004_fts_longer_prefixes"
branch_labels = None
depends_on = None

LIFECYCLE = (
    "awaiting_payment", "paid", "in_production", "packed", "shipped", "out_for_delivery",
    "ready_for_pickup", "delivered", "collected", "completed", "cancelled", "expired",
)  # fmt: skip
PAYMENT_STATES = ("unpaid", "paid", "amount_mismatch", "paid_after_expiry")
APPEND_ONLY = ("audit_log", "payment_receipt")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def upgrade():
    dialect = op.get_bind().dialect.name
    ts = sa.DateTime(timezone=True)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("actor_label", sa.String(120), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject_type", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_subject", "audit_log", ["subject_type", "subject_id"])
    op.create_index("ix_audit_log_actor_user_id", "audit_log", ["actor_user_id"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.execute(f"INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '{'0' * 64}')")

    op.create_table(
        "invoice_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_invoice_counter"),
    )

    op.create_table(
        "payment_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(120), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_payment_receipt_amount_positive"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_order.id"], name="fk_payment_receipt_order_id_shop_order"
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name="fk_payment_receipt_actor_user_id_user_account",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_payment_receipt"),
        sa.UniqueConstraint("method", "reference", name="uq_payment_receipt_reference"),
    )
    op.create_index("ix_payment_receipt_order_id", "payment_receipt", ["order_id"])
    op.create_index("ix_payment_receipt_actor_user_id", "payment_receipt", ["actor_user_id"])
    # Card payments received before receipts existed become their receipts.
    op.execute(
        "INSERT INTO payment_receipt (order_id, method, amount, currency, reference, "
        "received_on, note, actor_user_id, actor_label, created_at) "
        "SELECT order_id, method, amount, 'idr', provider_ref, "
        + ("CAST(updated_at AS DATE)" if dialect == "postgresql" else "date(updated_at)")
        + ", '', NULL, 'stripe', updated_at FROM payment "
        "WHERE status IN ('succeeded', 'mismatch') AND amount > 0 AND provider_ref IS NOT NULL"
    )

    with op.batch_alter_table("shop_order") as batch:
        batch.add_column(
            sa.Column("payment_state", sa.String(20), nullable=False, server_default="unpaid")
        )
        batch.add_column(sa.Column("invoice_number", sa.String(20), nullable=True))
        batch.add_column(sa.Column("pickup_code", sa.String(12), nullable=True))
        batch.add_column(sa.Column("courier", sa.String(20), nullable=True))
    op.execute(
        "UPDATE shop_order SET payment_state = CASE "
        "WHEN payment_problem LIKE 'paid % expected %' THEN 'amount_mismatch' "
        "WHEN needs_refund THEN 'paid_after_expiry' "
        "WHEN paid_at IS NOT NULL THEN 'paid' ELSE 'unpaid' END"
    )
    op.execute(
        "UPDATE shop_order SET status = CASE "
        "WHEN status IN ('pending_payment', 'awaiting_transfer', 'awaiting_pickup_payment') "
        "THEN 'awaiting_payment' "
        "WHEN status = 'refunded' THEN 'cancelled' "
        "WHEN status = 'partially_refunded' THEN 'paid' "
        "ELSE status END"
    )
    with op.batch_alter_table("shop_order") as batch:
        batch.drop_column("refunded_total")
        batch.drop_column("needs_refund")
        batch.drop_column("payment_problem")
        batch.create_unique_constraint("uq_shop_order_invoice_number", ["invoice_number"])
        batch.create_unique_constraint("uq_shop_order_pickup_code", ["pickup_code"])
        batch.create_check_constraint("status_known", _in("status", LIFECYCLE))
        batch.create_check_constraint("payment_state_known", _in("payment_state", PAYMENT_STATES))
        batch.create_index("ix_shop_order_created", ["created_at", "id"])

    with op.batch_alter_table("order_event") as batch:
        batch.add_column(sa.Column("actor_user_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("actor_role", sa.String(20), nullable=False, server_default="system")
        )
        batch.add_column(
            sa.Column("actor_label", sa.String(120), nullable=False, server_default="system")
        )
        batch.create_foreign_key(
            "fk_order_event_actor_user_id_user_account", "user_account", ["actor_user_id"], ["id"]
        )
    op.execute("UPDATE order_event SET actor_label = actor, actor_role = actor")
    with op.batch_alter_table("order_event") as batch:
        batch.drop_column("actor")

    with op.batch_alter_table("refund") as batch:
        batch.add_column(
            sa.Column("method", sa.String(20), nullable=False, server_default="stripe")
        )
        batch.add_column(
            sa.Column("status", sa.String(20), nullable=False, server_default="settled")
        )
        batch.add_column(
            sa.Column("shipping_amount", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("needs_approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("requested_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("requested_by_label", sa.String(120), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("approved_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("approved_by_label", sa.String(120), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("failure_message", sa.String(300), nullable=True))
        batch.add_column(sa.Column("approved_at", ts, nullable=True))
        batch.add_column(sa.Column("sent_at", ts, nullable=True))
        batch.add_column(sa.Column("settled_at", ts, nullable=True))
        batch.create_foreign_key(
            "fk_refund_requested_by_user_id_user_account",
            "user_account",
            ["requested_by_user_id"],
            ["id"],
        )
        batch.create_foreign_key(
            "fk_refund_approved_by_user_id_user_account",
            "user_account",
            ["approved_by_user_id"],
            ["id"],
        )
        batch.create_check_constraint(
            "amounts_add_up",
            "amount > 0 AND goods_amount >= 0 AND shipping_amount >= 0 "
            "AND amount >= goods_amount + shipping_amount",
        )
    op.create_table(
        "refund_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("restock", sa.Boolean(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_refund_line_quantity_positive"),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refund.id"], name="fk_refund_line_refund_id_refund"
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"], ["order_line.id"], name="fk_refund_line_order_line_id_order_line"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_refund_line"),
    )
    op.create_index("ix_refund_line_refund_id", "refund_line", ["refund_id"])
    op.create_index("ix_refund_line_order_line_id", "refund_line", ["order_line_id"])

    with op.batch_alter_table("stock_movement") as batch:
        batch.add_column(sa.Column("on_hand_before", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("on_hand_after", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reason", sa.String(30), nullable=False, server_default=""))
        batch.add_column(sa.Column("actor_user_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("actor_label", sa.String(120), nullable=False, server_default="system")
        )
        batch.create_foreign_key(
            "fk_stock_movement_actor_user_id_user_account",
            "user_account",
            ["actor_user_id"],
            ["id"],
        )

    op.execute("UPDATE user_account SET role = 'operations' WHERE role = 'staff'")

    op.create_table(
        "user_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("authenticated_at", ts, nullable=False),
        sa.Column("last_seen_at", ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_user_session_user_id_user_account"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_user_session"),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])

    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
    for table in APPEND_ONLY:
        _append_only(table)


def downgrade():
    raise NotImplementedError("the back-office schema is not taken apart again")
