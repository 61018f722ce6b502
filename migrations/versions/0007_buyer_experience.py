"""buyer experience: fuzzy search and other catalogue changes

Revision ID: 0007_buyer_experience
Revises: 0006_hardening

- A vocabulary of the catalogue's words, so a misspelt query word can be
  matched to the nearest real one. SQLite reads it straight from the FTS5
  index (an ``fts5vocab`` table, always in step). PostgreSQL keeps a table of
  words filled by a trigger from ``product.search_text``, with a trigram
  index when the ``pg_trgm`` extension can be created; without it the
  shop falls back to comparing words of similar length in Python.
- ``product_image.variant_id``: a photo may show one variant (a colour, a
  motif), so choosing that variant shows it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_buyer_experience"
down_revision = "0006_hardening"
branch_labels = None
depends_on = None

# Words worth correcting towards: no numbers, no one- or two-letter words.
PG_WORDS_OF = """
    SELECT DISTINCT word FROM unnest(tsvector_to_array(to_tsvector('simple', {text}))) AS word
    WHERE length(word) BETWEEN 3 AND 64 AND word !~ '[0-9]'
"""


def _postgres_vocabulary() -> None:
    bind = op.get_bind()
    op.execute('CREATE TABLE search_word (word varchar(64) COLLATE "C" PRIMARY KEY)')
    op.execute(
        f"""CREATE FUNCTION remember_search_words() RETURNS trigger AS $$
        BEGIN
            INSERT INTO search_word (word) {PG_WORDS_OF.format(text="NEW.search_text")}
            ON CONFLICT DO NOTHING;
            RETURN NEW;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        "CREATE TRIGGER product_search_words AFTER INSERT OR UPDATE OF search_text ON product "
        "FOR EACH ROW EXECUTE FUNCTION remember_search_words()"
    )
    op.execute(
        "INSERT INTO search_word (word) SELECT DISTINCT w.word FROM product, LATERAL ("
        + PG_WORDS_OF.format(text="product.search_text")
        + ") AS w ON CONFLICT DO NOTHING"
    )
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).first()
    if available is None:
        return
    try:  # a trusted extension since PostgreSQL 13; an older server may still refuse
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return
    op.execute("CREATE INDEX ix_search_word_trigram ON search_word USING gin (word gin_trgm_ops)")


def upgrade():
    with op.batch_alter_table("product_image") as batch_op:
        batch_op.add_column(sa.Column("variant_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_product_image_variant_id_variant"), "variant", ["variant_id"], ["id"]
        )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_vocabulary()
    else:
        op.execute("CREATE VIRTUAL TABLE product_fts_words USING fts5vocab(product_fts, 'row')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS product_search_words ON product")
        op.execute("DROP FUNCTION IF EXISTS remember_search_words()")
        op.execute("DROP TABLE IF EXISTS search_word")
    else:
        op.execute("DROP TABLE IF EXISTS product_fts_words")
    with op.batch_alter_table("product_image") as batch_op:
        batch_op.drop_constraint(op.f("fk_product_image_variant_id_variant"), type_="foreignkey")
        batch_op.drop_column("variant_id")
