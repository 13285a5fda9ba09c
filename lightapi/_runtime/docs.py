"""The Swagger UI page at ``docs_url`` (R17.7), with its assets served by the app itself.

The assets come from the ``swagger-ui-py`` distribution, which ships Swagger UI 5 (the first
major version that reads OpenAPI 3.1). Only its ``static`` folder is used; the package itself is
never imported. ``validatorUrl: null`` keeps Swagger UI from asking validator.swagger.io for a
badge, so the page loads nothing from other hosts.
"""

from __future__ import annotations

import html
import importlib.util
import json
from pathlib import Path

from starlette.staticfiles import StaticFiles

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{static}/swagger-ui.css">
<link rel="icon" type="image/png" href="{static}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{static}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: {openapi},
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
}});
</script>
</body>
</html>
"""


def assets_folder() -> Path:
    """Where the installed swagger-ui-py keeps Swagger UI's files."""
    found = importlib.util.find_spec("swagger_ui")
    if found is None or not found.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py distribution is not installed")
    return Path(next(iter(found.submodule_search_locations))) / "static"


def static_path(docs_url: str) -> str:
    return f"{docs_url.rstrip('/')}/static"


def page(docs_url: str, openapi_url: str, title: str) -> bytes:
    """The HTML of the docs page; built once per app."""
    return PAGE.format(
        title=html.escape(title),
        static=html.escape(static_path(docs_url)),
        openapi=json.dumps(openapi_url).replace("</", "<\\/"),
    ).encode()


def assets() -> StaticFiles:
    return StaticFiles(directory=assets_folder())
