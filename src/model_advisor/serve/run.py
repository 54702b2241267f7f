"""Run the application under uvicorn, in one process or several.

The knowledge is loaded here first, so that a broken knowledge directory stops the start
with the usual error before any port is bound. With one worker, that advisor serves the
requests; with several, uvicorn starts fresh worker processes which each load the knowledge
once, through :func:`~model_advisor.serve.app.app_from_environment`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..advice.advisor import Advisor, load_long_lived
from ..signals import handled
from .app import API_KEY_ENV, RULES_ENV, create_app

_FACTORY = "model_advisor.serve.app:app_from_environment"


@dataclass(frozen=True)
class ServeConfig:
    """How to serve: where to listen, which knowledge, how many workers, which key."""

    host: str = "127.0.0.1"
    port: int = 8000
    rules_path: Path | None = None
    workers: int = 1
    api_key: str | None = None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any address


def binding_warning(host: str, api_key: str | None) -> str | None:
    """The warning to show before serving on ``host``, or None when there is nothing to say."""
    if api_key or is_loopback(host):
        return None
    return (
        f"serving on {host} without authentication: anyone who can reach this port can use "
        "the API. Give --api-key (or MODEL_ADVISOR_API_KEY), and put a reverse proxy in front "
        "for TLS."
    )


def serve(config: ServeConfig) -> None:
    """Load the knowledge, then serve until SIGINT or SIGTERM (a graceful stop).

    Raises:
        RuleFileError, ExampleDataError, KnowledgeBaseError, ModelFileError: the knowledge
            cannot be loaded (nothing is served).
    """
    advisor = load_long_lived(config.rules_path)  # fails here, before binding, when broken
    with _stop_is_success():
        _run(advisor, config)


def _run(advisor: Advisor, config: ServeConfig) -> None:
    if config.workers == 1:
        app = create_app(advisor, config.api_key)
        uvicorn.run(app, host=config.host, port=config.port, server_header=False, http=NoDelayH11)
        return
    # The workers are new processes: they learn the knowledge and key from the environment.
    if config.rules_path is not None:
        os.environ[RULES_ENV] = str(config.rules_path.resolve())
    if config.api_key:
        os.environ[API_KEY_ENV] = config.api_key
    uvicorn.run(
        _FACTORY,
        factory=True,
        workers=config.workers,
        host=config.host,
        port=config.port,
        server_header=False,
        http=NoDelayH11,
    )


class NoDelayH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with Nagle's algorithm off on every connection.

    asyncio turns it off only for sockets made with ``proto=IPPROTO_TCP``; the listening
    socket uvicorn makes for several workers has ``proto=0``, so there a response's head
    and body, written separately, met the client's delayed ACK: 40 ms per request on a
    kept-alive connection instead of about 2.
    """

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]


def _noted(signum: int, frame: FrameType | None) -> None:
    """A stop request that uvicorn has already acted on (it hands the signal back at exit)."""


@contextmanager
def _stop_is_success() -> Iterator[None]:
    """SIGINT and SIGTERM are how a server is stopped: after uvicorn's graceful shutdown the
    process exits 0, not as killed by the signal it passes back to the handler it found."""
    with handled((signal.SIGINT, signal.SIGTERM), _noted):
        yield
