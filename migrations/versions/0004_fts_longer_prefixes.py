"""Full-text search: prefix indexes up to eight characters

Revision ID: 0004_fts_longer_prefixes
Revises: 0003_listing_newest_index
Create Date: 2026-11-22

A query word is matched as a prefix ("songket"*). With prefix indexes only
for 2-4 characters, FTS5 merged the entries of every matching term on each
query; indexing prefixes up to eight characters answers most words directly.
PostgreSQL's tsvector path is unchanged.
"""

from alembic import op

revision = "0004_fts_longer_prefixes"
down_revision = "0003_listing_newest_index"
branch_labels = None
depends_on = None

TRIGGERS = ("product_fts_insert", "product_fts_delete", "product_fts_update")


def _recreate(prefix: str) -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS product_fts")
    op.execute(
        f"""CREATE VIRTUAL TABLE product_fts USING fts5(
        search_text, content='product', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='{prefix}')"""
    )
    op.execute("INSERT INTO product_fts(product_fts) VALUES ('rebuild')")
    op.execute(
        """CREATE TRIGGER product_fts_insert AFTER INSERT ON product BEGIN
        INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END"""
    )
    op.execute(
        """CREATE TRIGGER product_fts_delete AFTER DELETE ON product BEGIN
        INSERT INTO product_fts(product_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END"""
    )
    op.execute(
        """CREATE TRIGGER product_fts_update AFTER UPDATE OF search_text ON product BEGIN
        INSERT INTO product_fts(product_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END"""
    )


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _recreate("2 3 4 5 6 7 8")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _recreate("2 3 4")
