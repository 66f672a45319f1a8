"""Collection: Segment-spec validation, sources and write keys, tracking plans, importers."""
