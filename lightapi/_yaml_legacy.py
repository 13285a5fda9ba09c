"""The 0.x configuration shape, translated to the one of R16.3 (R16.5).

0.x files had top-level ``database_url``, ``cors``, ``mode`` and ``login_validator``, and
``endpoints`` as a mapping keyed by route with ``fields``, ``auth``, ``paginate``, ``filters``
and ``methods``. A mapping in the current shape is returned unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _meta(entry: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = dict(entry.get("meta") or {})
    auth = entry.get("auth")
    if auth == "jwt" or auth is True:
        meta["authentication"] = {"backend": "JWTAuthentication", "permission": "IsAuthenticated"}
    elif isinstance(auth, Mapping):
        meta["authentication"] = dict(auth)
    paginate = entry.get("paginate")
    if paginate is True:
        meta["pagination"] = {}
    elif isinstance(paginate, Mapping):
        meta["pagination"] = dict(paginate)
    elif isinstance(paginate, int) and not isinstance(paginate, bool):
        meta["pagination"] = {"page_size": paginate}
    filters = entry.get("filters")
    if isinstance(filters, list):
        meta["filtering"] = {"fields": filters}
    elif isinstance(filters, Mapping):
        meta["filtering"] = dict(filters)
    if "methods" in entry:
        meta["methods"] = entry["methods"]
    return meta


def translated(mapping: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(mapping)
    endpoints = data.get("endpoints")
    if not isinstance(endpoints, Mapping):
        return data
    if "database_url" in data:
        data.setdefault("database", {})["url"] = data.pop("database_url")
    cors = data.get("cors")
    if isinstance(cors, list):
        data["cors_origins"] = data.pop("cors")
    if "login_validator" in data:
        data.setdefault("auth", {})["login_validator"] = data.pop("login_validator")
    data["endpoints"] = [
        {
            "route": route,
            **({"fields": entry["fields"]} if entry.get("fields") else {}),
            **({"meta": meta} if (meta := _meta(entry)) else {}),
        }
        for route, entry in endpoints.items()
    ]
    return data
