"""The catalogue: a year's targets as data, the kinds of target, indicator ids, districts."""

from minsheng.catalogue.load import (
    Catalogue,
    CatalogueError,
    catalogue_path,
    latest_year,
    load_catalogue,
    resolve_catalogue,
)

__all__ = ["Catalogue", "CatalogueError", "catalogue_path", "latest_year", "load_catalogue",
           "resolve_catalogue"]
