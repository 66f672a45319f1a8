"""The dashboard: server-rendered pages (Jinja2 + htmx + Plotly) at the API's address.

Every asset is served by the app itself (no CDN: it works on a closed network). Pages call
:mod:`vantage.services` only; :func:`vantage.web.app.install_web` adds them to the API app.
"""
