"""Routers of the collection API, one per resource."""
