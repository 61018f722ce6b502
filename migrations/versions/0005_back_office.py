"""back office: roles, audit log, order facets, payment receipts, refunds, stock movements

Revision ID: 0005_back_office
Revises: 0004_fts_longer_prefixes
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005_back_office"
down_revision = "0004_fts_longer_prefixes"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
