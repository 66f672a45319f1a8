"""Public data sets (URL + sha256 + loader, local mirror support) and the demo generator.

``load("online_retail")`` returns the invoices as a DataFrame, read from the mirror
(``VANTAGE_DATA_MIRROR``) or the cache that ``fetch`` fills; ``vantage.datasets.demo`` builds the
generated retail workspace.
"""

from vantage.datasets.registry import fetch, get_dataset, list_datasets, load
from vantage.datasets.specs import DatasetSpec, FileSpec, TableSpec

__all__ = [
    "DatasetSpec",
    "FileSpec",
    "TableSpec",
    "fetch",
    "get_dataset",
    "list_datasets",
    "load",
]
