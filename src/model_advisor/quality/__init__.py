"""How good is the knowledge? Training and evaluation, metrics, rules check/test/stats, reports.

Each function here is the twin of a command (``train``, ``evaluate``, ``rules check``,
``rules test``, ``rules stats``) and returns a pydantic report that the CLI prints. All of them
judge the advisor through its one decision pipeline
(:class:`~model_advisor.engine.pipeline.Engine`).
"""
