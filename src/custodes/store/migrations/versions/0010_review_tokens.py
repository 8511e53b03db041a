"""review tokens: who may record decisions through the web app

`custodes token create NAME` makes a secret, prints it once and stores only its SHA-256 digest
here; `custodes token revoke NAME` sets `revoked_at`, after which the token opens nothing
(`custodes serve --review` checks it on every request). Rows are kept after revocation so a
name stays bound to the decisions recorded under it.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_tokens",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("review_tokens")
