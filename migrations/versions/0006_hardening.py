"""hardening: checkout tokens and other fixes from the security audit

Revision ID: 0006_hardening
Revises: 0005_back_office
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0006_hardening"
down_revision = "0005_back_office"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
