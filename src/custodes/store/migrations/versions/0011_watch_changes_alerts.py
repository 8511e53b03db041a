"""watch, change feed and alerts: watched sources and their health, items already seen,
published deltas, and alert subscriptions with their delivery log

- `watch_sources`: one row per feed, sitemap or page that `custodes watch` polls; the
  conditional-GET validators (etag, last_modified) and the health counters live on the row.
- `watch_items`: every item URL a source listed, so an item is fetched once; `document_id`
  links the item to what it became.
- `published_deployments`: the record as the last delta published it (content hash per
  deployment, and the watched sources behind it, for the per-source shrink guard).
- `deltas` / `delta_entries`: each published change set, `ADD`/`MOD` carrying the whole record
  and `DEL` the id; versions count up from 1 and are never reused.
- `alerts` / `alert_deliveries`: a subscription's filters and target; one delivery row per
  (alert, delta version), so a delta reaches an alert once however often delivery is retried.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_sources",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(8), nullable=False),  # feed | sitemap | page
        sa.Column("every_seconds", sa.Integer, nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("added_at", sa.String(32), nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_checked", sa.String(32)),
        sa.Column("last_success", sa.String(32)),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", sa.String(32)),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("empty_runs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("items_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_item_at", sa.String(32)),
    )
    op.create_table(
        "watch_items",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_pk", sa.Integer, sa.ForeignKey("watch_sources.pk", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("canonical_url", sa.Text, index=True),
        sa.Column("document_id", sa.String(32), index=True),
        sa.Column("outcome", sa.String(16), nullable=False),  # stored | unchanged | near_duplicate | failed
        sa.Column("reason", sa.Text),
        sa.Column("published", sa.String(32)),
        sa.Column("date_flag", sa.String(16)),  # future | too_old | None
        sa.Column("first_seen", sa.String(32), nullable=False),
    )
    op.create_table(
        "published_deployments",
        sa.Column("deployment_id", sa.String(32), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_pks", sa.Text, nullable=False, server_default="[]"),  # JSON list
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "deltas",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),  # ingest | watch | review | publish
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("modified", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Integer, nullable=False),
        sa.Column("forced", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "delta_entries",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version", sa.Integer, sa.ForeignKey("deltas.version"), nullable=False, index=True),
        sa.Column("op", sa.String(3), nullable=False),  # ADD | MOD | DEL
        sa.Column("deployment_id", sa.String(32), nullable=False, index=True),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("record", sa.Text),  # JSON of the whole record; NULL for DEL
        sa.Column("country", sa.String(3)),
        sa.Column("vendor_id", sa.String(64)),
        sa.Column("supplier", sa.Text),
        sa.Column("tech", sa.Text),
    )
    op.create_table(
        "alerts",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("country", sa.String(3)),
        sa.Column("vendor_id", sa.String(64)),
        sa.Column("vendor", sa.Text),
        sa.Column("tech", sa.String(64)),
        sa.Column("webhook", sa.Text),
        sa.Column("file_path", sa.Text),
        sa.Column("secret", sa.String(64)),  # HMAC key for webhook signatures
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("from_version", sa.Integer, nullable=False),  # deltas after this one match
        sa.Column("removed_at", sa.String(32)),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_pk", sa.Integer, sa.ForeignKey("alerts.pk"), nullable=False),
        sa.Column("version", sa.Integer, sa.ForeignKey("deltas.version"), nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),  # pending | delivered | failed
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_attempt_at", sa.String(32)),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.String(32)),
        sa.UniqueConstraint("alert_pk", "version", name="uq_alert_delivery"),
    )


def downgrade() -> None:
    for name in ("alert_deliveries", "alerts", "delta_entries", "deltas", "published_deployments",
                 "watch_items", "watch_sources"):
        op.drop_table(name)
