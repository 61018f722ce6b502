"""staff indexes: the order list by status or payment state, newest first, and its search

Revision ID: 0008_staff_indexes
Revises: 0007_buyer_experience

Measured with bench/staff.py on 100,000 orders (docs/performance.md, "Back
office"):

- ``(status, created_at, id)`` and ``(payment_state, created_at, id)``: the back
  office lists orders newest first, so a filter on a common status
  (completed: half the shop) read and sorted every such order to show 50
  (about 200 ms on SQLite); with these the list reads its page off the index.
  The older ``(status, expires_at)`` stays for the expiry job.
- Search by name, e-mail, phone or reference (``lower(...) LIKE '%...%'``)
  read every order: about 220 ms on SQLite. PostgreSQL gets a trigram index
  over the searched expressions (when ``pg_trgm`` can be created, as in
  0007); SQLite gets an FTS5 table with the trigram tokenizer (SQLite 3.34
  or later) over the same fields, kept by triggers as ``product_fts`` is.
  The FTS table holds no copy of the text (``content='shop_order'``), and
  erasing an order's personal data removes its entries through the update
  trigger. Like ``product_fts``'s, its triggers are lost if a later batch
  migration rebuilds ``shop_order`` on SQLite: such a migration must create
  them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_staff_indexes"
down_revision = "0007_buyer_experience"
branch_labels = None
depends_on = None

SEARCHED = ("contact_name", "email", "phone", "reference")
TRIGGERS = ("shop_order_search_insert", "shop_order_search_delete", "shop_order_search_update")


def _sqlite_search() -> None:
    columns = ", ".join(SEARCHED)
    new = ", ".join(f"new.{c}" for c in SEARCHED)
    old = ", ".join(f"old.{c}" for c in SEARCHED)
    op.execute(
        f"""CREATE VIRTUAL TABLE shop_order_search USING fts5(
        {columns}, content='shop_order', content_rowid='id', tokenize='trigram')"""
    )
    op.execute("INSERT INTO shop_order_search(shop_order_search) VALUES ('rebuild')")
    op.execute(
        f"""CREATE TRIGGER shop_order_search_insert AFTER INSERT ON shop_order BEGIN
        INSERT INTO shop_order_search(rowid, {columns}) VALUES (new.id, {new});
    END"""
    )
    op.execute(
        f"""CREATE TRIGGER shop_order_search_delete AFTER DELETE ON shop_order BEGIN
        INSERT INTO shop_order_search(shop_order_search, rowid, {columns})
        VALUES ('delete', old.id, {old});
    END"""
    )
    op.execute(
        f"""CREATE TRIGGER shop_order_search_update AFTER UPDATE OF {columns} ON shop_order
    BEGIN
        INSERT INTO shop_order_search(shop_order_search, rowid, {columns})
        VALUES ('delete', old.id, {old});
        INSERT INTO shop_order_search(rowid, {columns}) VALUES (new.id, {new});
    END"""
    )


def _postgres_search() -> None:
    bind = op.get_bind()
    trigram = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    if trigram.first() is None:
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except sa.exc.DBAPIError:
            return  # no trigram index: the search reads every order, as before
    op.execute(
        "CREATE INDEX ix_shop_order_search_trigram ON shop_order USING gin ("
        "lower(contact_name) gin_trgm_ops, lower(email) gin_trgm_ops, "
        "phone gin_trgm_ops, reference gin_trgm_ops)"
    )


def upgrade():
    # With the id, as ix_shop_order_created: the list is ordered and paged by (created_at, id).
    op.create_index("ix_shop_order_status_created", "shop_order", ["status", "created_at", "id"])
    op.create_index(
        "ix_shop_order_payment_state_created", "shop_order", ["payment_state", "created_at", "id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_search()
    else:
        _sqlite_search()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_shop_order_search_trigram")
    else:
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS shop_order_search")
    op.drop_index("ix_shop_order_payment_state_created", table_name="shop_order")
    op.drop_index("ix_shop_order_status_created", table_name="shop_order")
