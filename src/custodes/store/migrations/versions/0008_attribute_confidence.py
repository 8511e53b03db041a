"""claims carry how sure the extractor is of their technologies and status

Extractor 0.6.0 attaches a calibrated probability to each technology category of a claim and to
its status (given that the claim's (country, supplier) pair is right). `tech_confidence` holds
a JSON object category -> probability, `status_confidence` a probability; both are NULL for
claims an older extractor stored, until `custodes extract` re-extracts them.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


# plain ALTER TABLE, not a batch copy: copying `claims` would drop its full-text triggers (0003)
def upgrade() -> None:
    op.add_column("claims", sa.Column("tech_confidence", sa.Text))
    op.add_column("claims", sa.Column("status_confidence", sa.Float))


def downgrade() -> None:
    op.drop_column("claims", "status_confidence")
    op.drop_column("claims", "tech_confidence")
