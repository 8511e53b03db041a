"""People accept, reject and correct claims: decisions, the review queue, CSV import and export."""
