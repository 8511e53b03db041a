"""The Parquet tables `custodes spark extract` writes and `custodes load` reads.

Columns are the store's own names (`custodes.store.schema`), plus each row's place in the input
(`order`, `doc_order`, `ordinal`) so the loader stores documents and claims in ingest's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql.types import StructType

DOCUMENT_COLUMNS = (("order", "long"), ("id", "string"), ("source", "string"), ("url", "string"),
                    ("title", "string"), ("published", "string"), ("author", "string"), ("site", "string"),
                    ("lang", "string"), ("content_type", "string"), ("text", "string"), ("chars", "long"),
                    ("group_id", "string"), ("ingested_at", "string"), ("extra", "string"),
                    ("signature", "binary"), ("num_perm", "int"), ("extractor_version", "string"),
                    ("reference_version", "string"), ("locator", "string"))
CLAIM_COLUMNS = (("doc_order", "long"), ("document_id", "string"), ("id", "string"), ("ordinal", "int"),
                 ("deployment_id", "string"), ("country", "string"), ("supplier", "string"),
                 ("supplier_country", "string"), ("vendor_id", "string"), ("tech", "array<string>"),
                 ("year", "long"), ("program", "string"), ("status", "string"), ("confidence", "double"),
                 ("evidence", "array<struct<text:string,start:long,end:long>>"), ("lender", "string"),
                 ("amount", "double"), ("currency", "string"), ("loan", "boolean"),
                 ("financing_evidence", "string"), ("tech_confidence", "string"), ("status_confidence", "double"))
MENTION_COLUMNS = (("doc_order", "long"), ("document_id", "string"), ("ordinal", "int"), ("kind", "string"),
                   ("value", "string"), ("surface", "string"), ("start", "long"), ("end", "long"))
DEPLOYMENT_COLUMNS = (("id", "string"), ("country", "string"), ("supplier", "string"),
                      ("supplier_country", "string"), ("vendor_id", "string"), ("program", "string"),
                      ("tech", "string"), ("status", "string"), ("latest_status", "string"), ("year", "long"),
                      ("confidence", "double"), ("claims", "long"), ("documents", "long"), ("sources", "long"),
                      ("lender", "string"), ("amount", "double"), ("currency", "string"),
                      ("first_reported", "string"), ("last_reported", "string"), ("reviewed", "string"),
                      ("accepted_claims", "long"), ("first_seen", "string"), ("last_seen", "string"))
FAILURE_COLUMNS = (("order", "long"), ("locator", "string"), ("reason", "string"))

TABLES = {"documents": DOCUMENT_COLUMNS, "claims": CLAIM_COLUMNS, "mentions": MENTION_COLUMNS,
          "deployments": DEPLOYMENT_COLUMNS, "failures": FAILURE_COLUMNS}


def spark_schema(columns: tuple[tuple[str, str], ...]) -> StructType:
    """The Spark schema of a table (pyspark imported here, only when Spark runs)."""
    from pyspark.sql.types import StructType

    ddl = ", ".join(f"`{name}` {kind}" for name, kind in columns)
    schema = StructType.fromDDL(ddl)
    assert isinstance(schema, StructType)
    return schema


def table_schema(name: str) -> StructType:
    return spark_schema(TABLES[name])
