"""Index for newest-first listings

Revision ID: 0003_listing_newest_index
Revises: 0002_orders
Create Date: 2026-11-22

Newest first is id order among active products; without an index that starts
(is_active, id), SQLite walked another index and sorted every active product.
"""

from alembic import op

revision = "0003_listing_newest_index"
down_revision = "0002_orders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_product_listing_newest", "product", ["is_active", "id"])


def downgrade():
    op.drop_index("ix_product_listing_newest", table_name="product")
