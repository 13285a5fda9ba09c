"""``POST {auth_path}/login`` and ``/token`` (R10.11-R10.13).

In order: the rate limit (every attempt counts), the credentials (a case-sensitive ``Basic ``
header, else a JSON body with non-empty ``username`` and ``password``), the login validator,
then the answer: a token for JWT apps, the user alone for Basic-only apps.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from lightapi._runtime.encoding import encode
from lightapi._runtime.errors import JSON, Problem, answer_failure, error_response
from lightapi._runtime.errors import validation_problem as invalid
from lightapi._runtime.inputs import read_body
from lightapi._runtime.ratelimit import Limiter
from lightapi.authentication import JWTAuthentication, Validator, call_validator, parse_basic

logger = logging.getLogger("lightapi")
INVALID_CREDENTIALS: Final = "Invalid credentials"
ALLOW_POST: Final = {"Allow": "POST"}


class Credentials(BaseModel):
    """The login body; keys other than these two are ignored (R10.12)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    username: str = Field(min_length=1)
    password: str = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class LoginSettings:
    validator: Validator | None
    limiter: Limiter | None
    signer: JWTAuthentication | None  # None: a Basic-only app answers {"user": ...}
    extra_claims: tuple[str, ...]
    max_body_size: int | None


async def _credentials(request: Request, settings: LoginSettings) -> tuple[str, str]:
    header = request.headers.get("authorization")
    body = await read_body(request, settings.max_body_size)
    # R23.8: "Basic" alone is a malformed Basic header too (HTTP strips the space after it).
    if header is not None and (header.startswith("Basic ") or header == "Basic"):
        parsed = parse_basic(header)
        if parsed is None:
            raise Problem(401, INVALID_CREDENTIALS)
        return parsed
    try:
        given = Credentials.model_validate_json(body or b"{}")
    except ValidationError as error:
        # The body holds a password: errors never echo their input.
        errors: list[Any] = [
            {key: value for key, value in item.items() if key != "input"}
            for item in error.errors(include_url=False)
        ]
        if any(item["type"] == "json_invalid" for item in errors):
            errors = [{"type": "json_invalid", "loc": ["body"], "msg": "Invalid JSON"}]
        raise invalid(errors) from None
    return given.username, given.password


def _claims(user: Any, extra_claims: tuple[str, ...]) -> dict[str, Any]:
    """R10.13: the validator's mapping, or its subset of ``jwt_extra_claims`` when any is in it."""
    if not isinstance(user, Mapping):
        raise TypeError("login_validator must return a mapping in a JWT app")
    claims = dict(user)
    chosen = {key: claims[key] for key in extra_claims if key in claims}
    return chosen or claims


def login_endpoint(settings: LoginSettings) -> Any:
    async def login(request: Request) -> Response:
        if request.method != "POST":
            if request.method == "OPTIONS":
                return Response(status_code=204, headers=ALLOW_POST)
            return error_response(405, "Method Not Allowed", ALLOW_POST)
        try:
            if settings.limiter is not None:
                await settings.limiter.refuse_if_over(request)
                await settings.limiter.count(request)
            username, password = await _credentials(request, settings)
            user = None
            if settings.validator is not None:
                user = await call_validator(settings.validator, username, password)
            if user is None:
                raise Problem(401, INVALID_CREDENTIALS)
            if settings.signer is None:
                return Response(encode({"user": user}), media_type=JSON)
            signer = settings.signer
            token = signer.generate_token(_claims(user, settings.extra_claims))
            body = {
                "token": token,
                "token_type": "Bearer",
                "expires_in": signer.settings.expiration,
                "user": user,
            }
            return Response(msgspec.json.encode(body), media_type=JSON)
        except Exception as error:
            return answer_failure(error, request, "login")

    return login
