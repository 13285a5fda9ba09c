"""Notes behind JWT authentication: anyone may read, signed-in users write, admins delete.

Run it with a secret of at least 32 bytes (the app refuses to start without one):

    LIGHTAPI_JWT_SECRET=$(python3 -c "import secrets; print(secrets.token_hex(32))") \\
        python examples/auth_notes.py

    curl -s -X POST http://127.0.0.1:8000/auth/login -d '{"username": "ann", "password": "ann-pw"}'
    curl -s -X POST http://127.0.0.1:8000/notes -H "Authorization: Bearer <token>" \\
        -d '{"text": "hello"}'
"""

from __future__ import annotations

from typing import Any

from lightapi import (
    AllowAny,
    Authentication,
    IsAdminUser,
    JWTAuthentication,
    LightApi,
    RestEndpoint,
)
from lightapi.authentication import constant_time_equals

# A real app checks a user table with hashed passwords; the comparison stays constant-time.
ACCOUNTS = {"ann": ("ann-pw", False), "root": ("root-pw", True)}


def check_password(username: str, password: str) -> dict[str, Any] | None:
    stored, is_admin = ACCOUNTS.get(username, ("", False))
    if not stored or not constant_time_equals(stored, password):
        return None
    return {"sub": username, "is_admin": is_admin}


class NoteEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication,
            permission={"GET": AllowAny, "DELETE": IsAdminUser},  # other verbs: signed-in users
        )


app = LightApi(database_url="sqlite:///notes.db", login_validator=check_password)
app.register({"/notes": NoteEndpoint})

if __name__ == "__main__":
    app.run()
