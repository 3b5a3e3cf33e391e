"""The demo store generator: fills a SQL store (``storeadmin.data``) with a reproducible
catalogue, customers and their history.

``build`` builds or rebuilds a store, ``rows`` makes the customers' rows, ``items`` their
inventory and command attempts, ``catalog`` the products and servers, ``tables`` the
row shapes, ``load`` the bulk loader per backend.
"""

from storeadmin.demo.build import (
    DEFAULT_DEMO_CUSTOMERS,
    DEMO_ANCHOR,
    DemoSummary,
    build_demo_store,
    ensure_demo_store,
    todays_anchor,
)
from storeadmin.demo.rows import BENCH_ID, MIN_CUSTOMERS, WHALE_ID

__all__ = [
    "BENCH_ID",
    "DEFAULT_DEMO_CUSTOMERS",
    "DEMO_ANCHOR",
    "MIN_CUSTOMERS",
    "WHALE_ID",
    "DemoSummary",
    "build_demo_store",
    "ensure_demo_store",
    "todays_anchor",
]
