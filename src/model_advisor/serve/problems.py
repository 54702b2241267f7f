"""Every error the server answers has one JSON shape, ``{"error": {code, message, field}}``.

``code`` is a stable kebab-case name (``invalid-request``, ``invalid-json``, ``invalid-task``,
``too-large``, ``unauthorized``, ``not-found``, ``method-not-allowed``, ``internal``);
``field`` names the part of the request at fault (``task``, ``tasks.3``) or is null. No
answer ever holds a stack trace: an unexpected exception becomes ``internal``, and only the
server's log shows the traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import InvalidTaskError

MAX_BODY_BYTES = 1_000_000
"""The largest request body read (1 MB); a larger one is answered 413."""


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a sentence, and the request field at fault."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    error: ErrorDetail


class TaskError(InvalidTaskError):
    """An :class:`InvalidTaskError` located in the request (``task`` or ``tasks.N``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


_STATUS_CODES = {
    400: "bad-request",
    401: "unauthorized",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A response of the one error shape."""
    body = ErrorBody(error=ErrorDetail(code=code, message=message, field=field))
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, headers=dict(headers or {})
    )


def field_name(location: Sequence[int | str]) -> str | None:
    """``("body", "tasks", 3)`` -> ``tasks.3``; the request part (body, query) is left out."""
    parts = [str(p) for p in location[1:]] if location else []
    return ".".join(parts) or None


def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first: dict[str, Any] = error.errors()[0]
    location = tuple(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        where = first.get("ctx", {}).get("error", "")
        message = f"the body is not valid JSON: {where}".rstrip(": ")
        return error_response(422, "invalid-json", message)
    field = field_name(location)
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if field:
        message = f"{field}: {message}"
    return error_response(422, "invalid-request", message, field)


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = _STATUS_CODES.get(error.status_code, f"http-{error.status_code}")
    return error_response(error.status_code, code, str(error.detail), headers=error.headers)


def _task_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidTaskError)
    field = error.field if isinstance(error, TaskError) else "task"
    return error_response(422, "invalid-task", f"{field}: {error}", field)


def _internal_error(request: Request, error: Exception) -> JSONResponse:
    return error_response(500, "internal", "internal error: see the server's log")


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` in the one shape."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(InvalidTaskError, _task_error)
    app.add_exception_handler(Exception, _internal_error)


class _TooLarge(BaseException):
    """Raised from ``receive`` past the limit; a BaseException, so that the framework's
    ``except Exception`` around body parsing (which would answer 400) lets it through."""


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is answered 413, unread.

    A declared ``Content-Length`` over the limit is refused at once; a body sent in chunks
    is counted as it arrives and refused when it passes the limit.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is over the limit of {self.limit:,} bytes"
        response = error_response(413, "too-large", message, headers={"Connection": "close"})
        await response(scope, receive, send)
