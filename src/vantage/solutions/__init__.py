"""Use cases on the customer data: one subpackage each (features -> estimators -> evaluation)."""
