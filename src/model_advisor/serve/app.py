"""The ASGI application: the JSON API, the web page and the API's docs, all served locally.

:func:`create_app` wraps one advisor, loaded before the first request and kept for the life
of the process. :func:`app_from_environment` is the factory uvicorn calls in each worker
process when there are several: it reads what the command line set in the environment.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._version import __version__
from ..advice.advisor import Advisor, load_long_lived
from .api import api_router, health_router
from .problems import BodyLimit, install_error_handlers

STATIC = Path(__file__).parent / "static"
RULES_ENV = "MODEL_ADVISOR_RULES"
API_KEY_ENV = "MODEL_ADVISOR_API_KEY"

# The page may load only what this server serves: no CDN, no inline script, no framing.
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_DESCRIPTION = (
    "Which kind of AI fits a task (discriminative, generative or AGI), how sure, and why, "
    "quoted from the course notes. `POST /v1/advise` answers the same JSON as "
    "`model-advisor advise --json`."
)


def create_app(advisor: Advisor, api_key: str | None = None) -> FastAPI:
    """Build the application around ``advisor``.

    Args:
        advisor: the advisor every request uses (its knowledge is already loaded).
        api_key: when given, every ``/v1`` call needs ``Authorization: Bearer <api_key>``.

    Returns:
        A FastAPI application: ``/v1`` (the API), ``/healthz``, ``/`` (the page),
        ``/openapi.json`` and ``/docs``.

    Example:
        >>> from fastapi.testclient import TestClient
        >>> client = TestClient(create_app(Advisor.default()))
        >>> client.get("/v1/advise", params={"task": "predict weather"}).json()["category"]
        'discriminative'
    """
    app = FastAPI(
        title="model-advisor",
        version=__version__,
        description=_DESCRIPTION,
        docs_url=None,  # served below, from local files instead of a CDN
        redoc_url=None,
    )
    app.state.advisor = advisor
    install_error_handlers(app)
    app.include_router(api_router(_bearer_check(api_key)))
    app.include_router(health_router)
    _add_page(app)
    _add_docs(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(_SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The application of one worker process: the knowledge of ``MODEL_ADVISOR_RULES`` (the
    shipped one when unset) and the key of ``MODEL_ADVISOR_API_KEY`` (none when unset)."""
    advisor = load_long_lived(os.environ.get(RULES_ENV) or None)
    return create_app(advisor, os.environ.get(API_KEY_ENV) or None)


_bearer = HTTPBearer(auto_error=False, description="The key given to `serve --api-key`.")


def _bearer_check(api_key: str | None) -> Callable[..., Awaitable[None]]:
    """The dependency that checks the API key, in constant time; a no-op without a key."""
    expected = api_key.encode() if api_key else None

    async def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if expected is None:
            return
        given = credentials.credentials.encode() if credentials else b""
        if not hmac.compare_digest(given, expected):
            raise HTTPException(
                401,
                "an API key is needed: send the header `Authorization: Bearer <key>`",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check


def _add_page(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(
            STATIC / "index.html", headers={"Content-Security-Policy": _PAGE_POLICY}
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def _add_docs(app: FastAPI) -> None:
    """Swagger UI at /docs, its files from the swagger-ui-bundle package, not a CDN."""
    import swagger_ui_bundle

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), "docs")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="model-advisor API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            swagger_ui_parameters={"validatorUrl": None},  # it would call a public validator
        )


class _SecurityHeaders:
    """Adds ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy`` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
