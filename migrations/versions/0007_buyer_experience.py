"""buyer experience: fuzzy search and other catalogue changes

Revision ID: 0007_buyer_experience
Revises: 0006_hardening
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0007_buyer_experience"
down_revision = "0006_hardening"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
