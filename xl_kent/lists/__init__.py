"""Staff lists and award logs: column mapping, cell parsing, per-row checks and the per-person figures."""
