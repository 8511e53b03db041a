"""queue of deployments whose claims changed, refreshed once per run instead of once per claim

Recomputing a deployment reads all its claims; doing that inside every document's transaction
made a large ingest quadratic. A document's transaction now records the deployment ids it
touched here, atomically with its claims, and the run refreshes them at its end. A run that is
killed leaves the queue behind, and the next command that opens the database finishes the work.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stale_deployments",
        sa.Column("deployment_id", sa.String(32), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("stale_deployments")
