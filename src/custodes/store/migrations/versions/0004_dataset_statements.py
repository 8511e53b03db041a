"""imported datasets: versions, statements with origins, problems, deployments, reference tables

Revision ID: 0004
Revises: 0003

Statements imported from published datasets (AIGS 2022, AidData GCDF 3.0, BRI, regime type,
restricted vendors, OEM brands) live beside the claims extracted from documents, never inside
them: a dataset row is not a document and must not change the document counts of a deployment.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ALL_DEPLOYMENTS_VIEW = """
CREATE VIEW all_deployments AS
SELECT id, 'documents' AS origin, NULL AS dataset, country, supplier, supplier_country, program,
       NULL AS title, tech, status, year, lender, NULL AS lender_country, amount, currency,
       sources, first_seen, last_seen
FROM deployments
UNION ALL
SELECT id, origin, dataset, country, supplier, supplier_country, program, title, tech, status, year,
       lender, lender_country, amount, currency, 1 AS sources, first_seen, last_seen
FROM dataset_deployments
"""


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("publisher", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("licence", sa.Text),
        sa.Column("data_date", sa.String(32)),
        sa.Column("citation", sa.Text),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("importer_version", sa.String(32), nullable=False),
        sa.Column("first_imported_at", sa.String(32), nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("statements", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("superseded", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("name", "version", name="uq_datasets_name_version"),
    )
    op.create_table(
        "dataset_statements",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("dataset_version", sa.String(64), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("property", sa.String(64), nullable=False),
        sa.Column("value", sa.Text),
        sa.Column("raw_value", sa.Text),
        sa.Column("as_of", sa.String(32)),
        sa.Column("detail", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("importer_version", sa.String(32), nullable=False),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
        sa.Column("current", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_index("ix_dataset_statements_subject", "dataset_statements", ["subject_type", "subject"])
    op.create_index("ix_dataset_statements_dataset", "dataset_statements", ["dataset", "dataset_version"])
    op.create_index("ix_dataset_statements_property", "dataset_statements", ["property", "value"])
    op.create_table(
        "dataset_problems",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("dataset_version", sa.String(64), nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("sheet", sa.Text),
        sa.Column("row", sa.Integer),
        sa.Column("cell", sa.String(32)),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_dataset_problems_dataset", "dataset_problems", ["dataset", "dataset_version"])
    op.create_table(
        "dataset_deployments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("statement_id", sa.String(32), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("dataset_version", sa.String(64), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("supplier", sa.Text),
        sa.Column("supplier_id", sa.Text),
        sa.Column("supplier_country", sa.String(3)),
        sa.Column("program", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("tech", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("lender", sa.Text),
        sa.Column("lender_country", sa.String(3)),
        sa.Column("amount", sa.Float),
        sa.Column("currency", sa.String(8)),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
    )
    op.create_index("ix_dataset_deployments_country", "dataset_deployments", ["country"])
    op.create_index("ix_dataset_deployments_supplier", "dataset_deployments", ["supplier_id"])
    op.create_table(
        "countries",
        sa.Column("iso3", sa.String(3), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("bri_member", sa.Boolean),
        sa.Column("bri_mou", sa.String(32)),
        sa.Column("bri_exit", sa.String(32)),
        sa.Column("bri_origin", sa.Text),
        sa.Column("regime_type", sa.String(2)),
        sa.Column("regime_year", sa.Integer),
        sa.Column("regime_origin", sa.Text),
    )
    op.create_table(
        "vendors",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("country", sa.String(3)),
        sa.Column("parent", sa.Text),
        sa.Column("restricted_active", sa.Integer, nullable=False),
        sa.Column("oem_brands", sa.Integer, nullable=False),
    )
    op.execute(_ALL_DEPLOYMENTS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS all_deployments")
    op.drop_table("vendors")
    op.drop_table("countries")
    op.drop_table("dataset_deployments")
    op.drop_table("dataset_problems")
    op.drop_table("dataset_statements")
    op.drop_table("datasets")
