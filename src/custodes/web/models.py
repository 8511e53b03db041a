"""Response shapes of the REST API.

They exist for the OpenAPI document: a reader of /api/v1/openapi.json should learn every field
and what it means without reading Python. Values come from `custodes.index` dataclasses.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    status: int = Field(description="HTTP status code, repeated for clients that only see the body.")
    message: str = Field(description="What went wrong, in words meant for a person.")
    details: list[dict[str, Any]] = Field(default_factory=list, description="Per-parameter problems (422 only).")


class EvidenceOut(BaseModel):
    claim_id: str
    document_id: str
    title: str | None = Field(description="Title of the source document.")
    url: str | None = Field(description="Where the document was published, when known.")
    source: str = Field(description="File or feed the document was ingested from.")
    published: str | None
    text: str = Field(description="The evidence sentence(s), verbatim from the document.")
    start: int = Field(description="Character offset of the evidence in the stored document text.")
    end: int
    status: str
    year: int | None
    confidence: float = Field(description="Calibrated probability that the document states this deployment.")
    tech_confidence: dict[str, float] | None = Field(
        default=None,
        description="Per technology category: its probability, given the deployment (null: older extractor).")
    status_confidence: float | None = Field(
        default=None,
        description="Probability that the status is the one the document states, given the deployment.")
    review_state: str = Field(default="unreviewed", description="unreviewed, changed (since a review), accepted "
                                                                "or edited.")
    extractor_version: str


class DeploymentOut(BaseModel):
    id: str
    country: str = Field(description="ISO 3166-1 alpha-3 of the recipient country.")
    country_name: str
    supplier: str | None = Field(description="Canonical company name, or null when no company is named.")
    supplier_country: str | None = Field(description="ISO3 of the supplier's home country.")
    program: str | None
    tech: list[str] = Field(description="Technology category ids (see the taxonomy).")
    status: str = Field(description="deployed, planned, cancelled or unknown.")
    latest_status: str
    year: int | None
    confidence: float = Field(description="0..1, from the extractor's evidence scoring.")
    sources: int = Field(description="Independent sources (near-duplicate groups) stating it.")
    documents: int
    lender: str | None
    amount: float | None
    currency: str | None
    first_reported: str | None
    last_reported: str | None
    reviewed: str = Field(default="none", description="none, partly or fully: how many of its claims a person "
                                                      "accepted or edited.")
    accepted_claims: int = Field(default=0, description="Claims a person accepted or edited.")
    evidence: list[EvidenceOut] = Field(default_factory=list)


class CountrySummaryOut(BaseModel):
    iso3: str
    name: str
    deployments: int
    suppliers: list[str]
    supplier_countries: list[str]
    categories: list[str]
    sources: int


class CountriesOut(BaseModel):
    total: int
    countries: list[CountrySummaryOut]


class StatementOut(BaseModel):
    dataset: str
    dataset_version: str
    property: str
    value: str | None
    raw_value: str | None = None
    as_of: str | None = None
    detail: dict[str, Any] | None = Field(default=None, description="Further fields of the dataset row.")
    note: str | None = None
    origin: str = Field(description="Dataset, version, sheet (or file) and row the statement was read from.")
    subject: str = Field(description="Who the statement is about: ISO3 code, vendor id or project id.")


class DatasetOut(BaseModel):
    name: str
    version: str
    title: str
    publisher: str | None = None
    url: str | None = None
    licence: str | None = None
    data_date: str | None = None
    citation: str | None = None


class DatasetDeploymentOut(BaseModel):
    id: str
    dataset: str
    dataset_version: str
    origin: str
    country: str
    country_name: str
    supplier: str | None
    supplier_id: str | None = None
    supplier_country: str | None
    program: str | None = None
    title: str | None = None
    tech: list[str]
    status: str
    year: int | None
    lender: str | None = None
    amount: float | None = None
    currency: str | None = None
    url: str | None = Field(default=None, description="The dataset's own page for this record, when it has one.")


class BriOut(BaseModel):
    member: bool | None
    mou: str | None
    exit: str | None
    origin: str | None


class RegimeOut(BaseModel):
    type: str | None = Field(description="CA, EA, ED or LD (closed/electoral autocracy, electoral/liberal democracy).")
    label: str | None
    year: int | None
    origin: str | None


class CountryDetailOut(BaseModel):
    iso3: str
    name: str
    deployments: list[DeploymentOut]
    bri: BriOut | None = Field(description="Belt and Road membership (imported dataset), null if not imported.")
    regime: RegimeOut | None = Field(description="Regimes of the World classification, null if not imported.")
    index: dict[str, Any] = Field(description="AI Global Surveillance index fields for this country, by name.")
    statements: list[StatementOut] = Field(description="Every imported-dataset statement about this country.")
    dataset_deployments: list[DatasetDeploymentOut] = Field(
        description="Deployments as listed by imported datasets (kept apart from document evidence).")
    datasets: list[DatasetOut] = Field(description="The datasets cited above, for attribution.")


class VendorSummaryOut(BaseModel):
    id: str
    name: str
    supplier_country: str | None
    deployments: int
    countries: list[str]
    categories: list[str]
    restricted: bool | None = Field(description="On at least one active restricted list; null if unknown.")


class VendorsOut(BaseModel):
    total: int
    vendors: list[VendorSummaryOut]


class CountryCountOut(BaseModel):
    iso3: str
    name: str
    deployments: int


class RestrictionOut(BaseModel):
    list: str = Field(description="The list, e.g. NDAA FY2019 Section 889.")
    list_id: str | None
    jurisdiction: str
    date: str
    active: bool
    active_basis: str = Field(description="Why the listing is taken to be (in)active.")
    listed_as: str = Field(description="The entity's name as the list gives it.")
    citation_url: str
    second_citation_url: str | None
    scope: str | None
    origin: str


class OemBrandOut(BaseModel):
    brand: str
    manufacturer: str
    attribution: str = Field(description="named, or either: the source did not say which of several makers.")
    evidence_strength: str
    evidence_basis: str | None
    relationship: str | None
    source_url: str
    source_date: str | None
    origin: str


class SupplySourceOut(BaseModel):
    kind: str = Field(description="document (an extracted claim) or dataset (an imported row).")
    categories: list[str]
    categories_scope: str = Field(description="supplier: stated for this supplier; country: for the country only.")
    status: str
    year: int | None
    via: str | None = Field(description="The subsidiary named, when it is not the vendor itself.")
    claim_id: str | None
    document_id: str | None
    title: str | None
    url: str | None
    evidence: str | None
    dataset: str | None
    origin: str | None
    note: str | None


class CountrySuppliedOut(BaseModel):
    iso3: str
    name: str
    categories: list[str]
    sources: list[SupplySourceOut]


class VendorDetailOut(BaseModel):
    id: str
    name: str
    home_country: str | None
    parent: str | None
    subsidiaries: list[str]
    aliases: list[str]
    website: str | None
    restricted: bool | None = Field(description="On an active restricted list; null when the lists are not imported.")
    restrictions: list[RestrictionOut] = Field(description="Restricted-list entries (imported datasets).")
    oem_brands: list[OemBrandOut] = Field(description="Brands reported to sell this maker's products.")
    brand_of: list[OemBrandOut] = Field(description="Makers whose products this vendor is reported to sell.")
    statements: list[StatementOut]
    countries: list[CountryCountOut] = Field(description="Countries its documented deployments are in.")
    supplied: list[CountrySuppliedOut] = Field(
        description="Every country it is said to have supplied, each statement with its source (document or dataset).")
    deployments: list[DeploymentOut]
    dataset_deployments: list[DatasetDeploymentOut]
    datasets: list[DatasetOut]


class DeploymentPageOut(BaseModel):
    total: int = Field(description="Deployments matching the filters, over all pages.")
    limit: int
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    items: list[DeploymentOut]


class SearchHitOut(BaseModel):
    claim_id: str
    deployment_id: str
    document_id: str
    country: str
    country_name: str
    supplier: str | None
    evidence: str
    snippet: str = Field(description="Part of the evidence around the match, matched words in [brackets].")
    title: str | None
    url: str | None
    published: str | None


class SearchOut(BaseModel):
    query: str
    total: int
    offset: int
    hits: list[SearchHitOut]


class IndexRowOut(BaseModel):
    iso3: str
    name: str
    categories: list[str] = Field(description="AIGS categories present (index labels).")
    china: bool = Field(description="Chinese technology present.")
    us: bool = Field(description="US technology present.")
    other_supplier_countries: list[str]
    bri_member: bool | None
    regime_type: str | None = Field(description="CA, EA, ED or LD.")
    suppliers: list[str]
    supplier_count: int
    sources: int = Field(description="Independent sources (a dataset counts once).")
    datasets: list[str]


class IndexSummaryOut(BaseModel):
    countries: int
    categories: dict[str, int]
    chinese_technology: int
    us_technology: int
    bri_members: int
    chinese_technology_bri_members: int
    regime_types: dict[str, int]


class IndexOut(BaseModel):
    source: str
    datasets: list[DatasetOut]
    total: int
    summary: IndexSummaryOut | None = Field(description="Counts over the countries; null when nothing was imported.")
    countries: list[IndexRowOut]


class StatsOut(BaseModel):
    documents: int
    sources: int
    claims: int
    deployments: int
    countries: int
    suppliers: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_supplier_country: dict[str, int]
    last_seen: str | None
    datasets: list[DatasetOut]
    data_version: str


class SourceHealthOut(BaseModel):
    """One watched source and its health, as `custodes sources list --json` gives it."""

    id: int
    name: str
    url: str
    kind: str
    every_seconds: int
    lang: str | None = None
    health: str = Field(description="new, ok, failing or silent")
    silent: bool = Field(description="yielded items before, none for the last 3 runs")
    last_checked: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    consecutive_failures: int
    runs_without_items: int
    items_total: int
    items_per_day: float = Field(description="new items per day over the last 7 days")
    last_item_at: str | None = None
    next_due: str | None = None


class SourcesOut(BaseModel):
    sources: list[SourceHealthOut]
