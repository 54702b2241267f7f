"""The routes of the JSON API, under ``/v1``, and ``/healthz``.

Answers are written with pydantic's own serializer (``model_dump_json``), the same data as
``advise --json``; the response models are declared for the OpenAPI description only.

Every route is a coroutine, so that no request hops to the framework's pool of up to 40
threads: advising holds the GIL anyway, and allocations spread over many threads spread
over as many malloc arenas, which made a worker's memory creep up request after request. A
single task (about a millisecond) is advised on the event loop; a list of them in one
thread of its own, so the loop goes on answering other connections meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from .._version import __version__
from ..advice.advisor import Advisor
from ..errors import InvalidTaskError
from ..types import Advice, Citation
from .problems import ErrorBody, TaskError

MAX_TASKS = 1000
"""The most tasks one request may hold."""

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in [
        (401, "Missing or wrong API key (only when the server has one)"),
        (413, "Request body over 1 MB"),
        (422, "Malformed JSON, a wrong type, or an empty task"),
    ]
}


class AdviseRequest(BaseModel):
    """One task (``task``) or up to 1,000 (``tasks``): exactly one of the two."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"task": "predict weather"}]},
    )

    task: StrictStr | None = Field(default=None, description="One task description.")
    tasks: list[StrictStr] | None = Field(
        default=None, max_length=MAX_TASKS, description="Several task descriptions."
    )

    @model_validator(mode="after")
    def _one_of_the_two(self) -> AdviseRequest:
        if (self.task is None) == (self.tasks is None):
            raise ValueError("give either `task` (one text) or `tasks` (a list of texts)")
        return self


class CategoryEntry(BaseModel):
    """A category of the knowledge: its id, name, and the passage of the notes defining it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    aspirational: bool
    definition: Citation


class KnowledgeInfo(BaseModel):
    """What the server advises with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    package_version: str
    knowledge_sha256: str
    categories: tuple[CategoryEntry, ...]


class Health(BaseModel):
    """The answer of ``/healthz``."""

    status: str = "ok"


async def _advisor(request: Request) -> Advisor:
    advisor: Advisor = request.app.state.advisor
    return advisor


AdvisorDep = Annotated[Advisor, Depends(_advisor)]


def _json(data: BaseModel | list[Advice]) -> Response:
    if isinstance(data, list):
        body = b"[" + b",".join(a.model_dump_json().encode() for a in data) + b"]"
    else:
        body = data.model_dump_json().encode()
    return Response(body, media_type="application/json")


def advise_tasks(advisor: Advisor, request: AdviseRequest) -> Advice | list[Advice]:
    """Advise on the request's task, or on each of its tasks in order.

    Raises:
        TaskError: a task is empty or blank; ``field`` says which (``task``, ``tasks.3``).
    """
    if request.task is not None:
        return _advise_one(advisor, request.task, "task")
    return [_advise_one(advisor, t, f"tasks.{i}") for i, t in enumerate(request.tasks or ())]


def _advise_one(advisor: Advisor, task: str, field: str) -> Advice:
    try:
        return advisor.advise(task)
    except InvalidTaskError as err:
        raise TaskError(field, str(err)) from err


def knowledge_info(advisor: Advisor) -> KnowledgeInfo:
    """The package version, the knowledge hash and the categories with their definitions."""
    entries = []
    for category in advisor.settings.categories:
        passage = advisor.notes.select(category.definition)[0]
        definition = advisor.cite(passage)
        entries.append(
            CategoryEntry(
                id=category.id,
                name=category.name,
                aspirational=category.aspirational,
                definition=definition,
            )
        )
    return KnowledgeInfo(
        package_version=__version__,
        knowledge_sha256=advisor.knowledge.sha256,
        categories=tuple(entries),
    )


_LISTS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="advise-list")


async def _advise_request(advisor: Advisor, request: AdviseRequest) -> Advice | list[Advice]:
    if request.task is not None:
        return advise_tasks(advisor, request)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_LISTS, partial(advise_tasks, advisor, request))


def api_router(auth: Callable[..., Awaitable[None]]) -> APIRouter:
    """The ``/v1`` routes, each behind the dependency ``auth`` (the API-key check)."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)], responses=_ERRORS)

    @router.post("/advise", response_model=Advice | list[Advice], summary="Advise on tasks")
    async def advise_post(request: AdviseRequest, advisor: AdvisorDep) -> Response:
        """Advise on `task`, or on each of `tasks` (at most 1,000): the same JSON as
        `model-advisor advise --json`, an object for `task` and a list for `tasks`."""
        return _json(await _advise_request(advisor, request))

    @router.get("/advise", response_model=Advice, summary="Advise on one task")
    async def advise_get(
        advisor: AdvisorDep,
        task: Annotated[str, Query(description="The task description.")],
    ) -> Response:
        """Advise on one task given in the query string: `/v1/advise?task=predict+weather`."""
        return _json(_advise_one(advisor, task, "task"))

    @router.get("/knowledge", response_model=KnowledgeInfo, summary="The knowledge in use")
    async def knowledge(advisor: AdvisorDep) -> Response:
        """The package version, the knowledge's hash, and its categories with their names
        and the passage of the notes that defines each."""
        return _json(knowledge_info(advisor))

    return router


health_router = APIRouter()


@health_router.get("/healthz", response_model=Health, summary="Liveness check")
async def healthz() -> Health:
    """`{"status": "ok"}` while the server is up; needs no API key."""
    return Health()
