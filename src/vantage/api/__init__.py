"""The collection API (FastAPI): Segment's HTTP Tracking API, admin routes, health.

Build an app with :func:`vantage.api.app.create_app`; run a server with
:func:`vantage.api.server.serve`.
"""
