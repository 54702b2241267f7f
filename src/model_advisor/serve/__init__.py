"""``model-advisor serve``: the advisor over HTTP, as a JSON API and a web page.

:func:`create_app` builds the ASGI application around one :class:`~model_advisor.Advisor`;
:func:`serve` validates the knowledge, then runs it under uvicorn (one or several worker
processes). FastAPI and uvicorn come with the ``serve`` extra
(``pip install 'model-advisor[serve]'``); nothing else in the package imports this stage.
"""

from __future__ import annotations

from .app import create_app
from .run import ServeConfig, binding_warning, serve

__all__ = ["ServeConfig", "binding_warning", "create_app", "serve"]
