"""Single customer view: computed traits, enrichment and the consent ledger.

- :mod:`vantage.profiles.enrichment`: pluggable enrichment steps (e-mail domain type, phone,
  user agent, time zone and locale, reference tables) and their registry.
- :mod:`vantage.profiles.consent`: purposes, consent changes from events and imports,
  :func:`~vantage.profiles.consent.can_contact`.
- :mod:`vantage.profiles.consent_ledger`: the consent history in the warehouse and the current
  state per identifier and per customer.

Profiles read identity only through the warehouse table ``identity_map``; this package never
imports :mod:`vantage.identity`.
"""
