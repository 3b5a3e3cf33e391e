"""A PayNow store as storeadmin's data layer, through its Management API.

``open_paynow_store("paynow://<store id>", actor=…)`` returns a ``StoreService``. The
package never imports Textual or Rich. Modules, one concept each:

- ``location``: the ``paynow://`` location, base URL, the API key (never shown);
- ``http``: the pooled httpx client, retries and typed errors;
- ``mapping`` / ``mapping_orders``: PayNow DTOs → domain types;
- ``base`` / ``reads`` / ``search`` / ``writes`` / ``delivery`` / ``store``: the service;
- ``journal``: the local append-only history of writes made through storeadmin;
- ``mirror`` / ``sync``: the local customer index for instant search.

Stats: the header shows PayNow's own figures from ``CustomerStatsDto_V2``, mapped one
to one; where they may differ from the SQL store's definitions:

- *net spent* is ``total_spend_net``: PayNow's net (completed payments less refunds
  and fees, per docs/notes/paynow.md); the contract does not say whether chargebacks
  are deducted, as ours are — ``total_chargebacks`` is shown beside it as a count;
- *MRR* is ``total_monthly_recurring_revenue``, normalised by PayNow (the contract does
  not say how); ours normalises each subscription to a 30-day month;
- *total payments*, *active subscriptions*, refunds and chargebacks are PayNow's counts;
- money is in the currency PayNow reports (``iso_currency``), else the store's;
- there is no monthly spend series, so the header has no sparkline
  (``Feature.SPEND_HISTORY`` is not offered).
"""

from __future__ import annotations

from storeadmin.paynow.store import PayNowStore, open_paynow_store

__all__ = ["PayNowStore", "open_paynow_store"]
