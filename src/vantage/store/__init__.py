"""Storage: the lake (durable event log compacted to Parquet) and the warehouse (Ibis)."""
