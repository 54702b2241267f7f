"""The HTTP API, through the ASGI app (httpx, via Starlette's test client): no server, no mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from model_advisor import Advisor
from model_advisor.engine.pipeline import MAX_TASK_CHARS
from model_advisor.serve import binding_warning, create_app
from model_advisor.serve.api import MAX_TASKS
from model_advisor.serve.problems import MAX_BODY_BYTES


@pytest.fixture(scope="module")
def client(shipped: Advisor) -> Iterator[TestClient]:
    with TestClient(create_app(shipped), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def locked(shipped: Advisor) -> Iterator[TestClient]:
    with TestClient(create_app(shipped, api_key="s3cret-key"), raise_server_exceptions=False) as c:
        yield c


def error_of(response: Any) -> dict[str, Any]:
    """The error of a response, checking it has the one shape and nothing more."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert "Traceback" not in response.text
    error: dict[str, Any] = body["error"]
    return error


def test_serve_post_task_answers_the_json_of_advise(client: TestClient, shipped: Advisor) -> None:
    response = client.post("/v1/advise", json={"task": "predict weather"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == shipped.advise("predict weather").model_dump(mode="json")


def test_serve_post_tasks_answers_a_list_in_order(client: TestClient, shipped: Advisor) -> None:
    tasks = ["draft a sales email", "predict weather", "an AI that does every job"]
    response = client.post("/v1/advise", json={"tasks": tasks})
    assert response.status_code == 200
    assert response.json() == [shipped.advise(t).model_dump(mode="json") for t in tasks]


def test_serve_get_advise_reads_the_query(client: TestClient) -> None:
    response = client.get("/v1/advise", params={"task": "write a poem about the sea"})
    assert response.status_code == 200
    assert response.json()["category"] == "generative"


def test_serve_long_task_is_cut_as_advise_cuts_it(client: TestClient) -> None:
    task = "predict weather " * (MAX_TASK_CHARS // 10)
    advice = client.post("/v1/advise", json={"task": task}).json()
    assert advice["truncated"] is True
    assert advice["task"] == task[:MAX_TASK_CHARS]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"task": 3}', "task"),
        ('{"task": null}', None),
        ('{"tasks": ["fine", 4]}', "tasks.1"),
        ('{"tasks": "not a list"}', "tasks"),
        ('{"task": "x", "colour": "red"}', "colour"),
        ("{}", None),
        ('{"task": "x", "tasks": ["y"]}', None),
        ('["predict weather"]', None),
    ],
)
def test_serve_wrong_type_is_422_naming_the_field(
    client: TestClient, body: str, field: str | None
) -> None:
    response = client.post("/v1/advise", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid-request"
    assert error["field"] == field
    if field:
        assert error["message"].startswith(f"{field}: ")


def test_serve_malformed_json_is_422_invalid_json(client: TestClient) -> None:
    response = client.post(
        "/v1/advise", content=b'{"task": "predi', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid-json"


@pytest.mark.parametrize(
    ("body", "field"), [({"task": "   "}, "task"), ({"tasks": ["predict weather", ""]}, "tasks.1")]
)
def test_serve_empty_task_is_422_invalid_task(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/advise", json=body)
    assert response.status_code == 422
    error = error_of(response)
    assert (error["code"], error["field"]) == ("invalid-task", field)
    assert "empty" in error["message"]


def test_serve_more_than_max_tasks_is_refused(client: TestClient) -> None:
    response = client.post("/v1/advise", json={"tasks": ["predict weather"] * (MAX_TASKS + 1)})
    assert response.status_code == 422
    assert error_of(response)["field"] == "tasks"
    assert client.post("/v1/advise", json={"tasks": ["a b"] * MAX_TASKS}).status_code == 200


def test_serve_body_over_1_mb_is_413(client: TestClient) -> None:
    body = b'{"task": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = client.post("/v1/advise", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert error_of(response)["code"] == "too-large"


def test_serve_chunked_body_over_1_mb_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"task": "'
        for _ in range(11):
            yield b"x" * 100_000
        yield b'"}'

    response = client.post(
        "/v1/advise", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "too-large"


def test_serve_body_just_under_the_limit_is_read(client: TestClient) -> None:
    task = "predict weather " * ((MAX_BODY_BYTES - 100) // 16)
    response = client.post("/v1/advise", json={"task": task})
    assert response.status_code == 200
    assert response.json()["truncated"] is True


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nowhere", 404, "not-found"),
        ("DELETE", "/v1/advise", 405, "method-not-allowed"),
        ("GET", "/v1/advise", 422, "invalid-request"),
    ],
)
def test_serve_other_errors_have_the_same_shape(
    client: TestClient, method: str, path: str, status: int, code: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_serve_knowledge_lists_categories_with_definitions(
    client: TestClient, shipped: Advisor
) -> None:
    info = client.get("/v1/knowledge").json()
    assert info["knowledge_sha256"] == shipped.knowledge.sha256
    assert info["package_version"] == shipped.provenance.package_version
    assert [c["id"] for c in info["categories"]] == list(shipped.categories)
    discriminative = info["categories"][0]
    assert discriminative["name"] == "Discriminative model"
    assert discriminative["definition"]["section"].endswith("Models that Analyze")
    assert "discriminative models" in discriminative["definition"]["quote"]
    assert discriminative["definition"]["line"] > 0


def test_serve_knowledge_of_another_directory(tiny_advisor: Advisor) -> None:
    with TestClient(create_app(tiny_advisor)) as tiny:
        info = tiny.get("/v1/knowledge").json()
    assert info["knowledge_sha256"] == tiny_advisor.knowledge.sha256
    assert [c["id"] for c in info["categories"]] == list(tiny_advisor.categories)


def test_serve_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_serve_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/advise", "/v1/knowledge", "/healthz"} <= set(spec["paths"])
    assert "Advice" in spec["components"]["schemas"]
    assert "AdviseRequest" in spec["components"]["schemas"]


def test_serve_docs_load_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_serve_page_and_its_files_are_local(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    static = Path(__file__).parents[1] / "src" / "model_advisor" / "serve" / "static"
    for path in static.iterdir():
        text = path.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http://" not in text and "https://" not in text, path.name
        assert client.get(f"/static/{path.name}").status_code == 200
    assert "innerHTML" not in (static / "app.js").read_text(encoding="utf-8")


def test_serve_api_key_is_required_on_the_api(locked: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-key"}):
        response = locked.get("/v1/knowledge", headers=headers)
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    good = {"Authorization": "Bearer s3cret-key"}
    assert locked.get("/v1/knowledge", headers=good).status_code == 200
    assert locked.post("/v1/advise", json={"task": "predict weather"}, headers=good).is_success


def test_serve_api_key_leaves_health_and_page_open(locked: TestClient) -> None:
    assert locked.get("/healthz").status_code == 200
    assert locked.get("/").status_code == 200


@pytest.mark.parametrize(
    ("host", "key", "warned"),
    [
        ("127.0.0.1", None, False),
        ("127.0.0.5", None, False),
        ("localhost", None, False),
        ("::1", None, False),
        ("0.0.0.0", None, True),
        ("192.168.1.10", None, True),
        ("myhost.example", None, True),
        ("0.0.0.0", "key", False),
    ],
)
def test_serve_binding_warning_outside_loopback_without_key(
    host: str, key: str | None, warned: bool
) -> None:
    warning = binding_warning(host, key)
    assert (warning is not None) == warned
    if warning:
        assert "--api-key" in warning


def test_serve_unexpected_error_is_500_without_details(shipped: Advisor) -> None:
    app = create_app(shipped)

    @app.get("/v1/broken")
    async def broken() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/broken")
    assert response.status_code == 500
    assert error_of(response)["code"] == "internal"
    assert "secret internals" not in response.text
