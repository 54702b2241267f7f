"""How good is the knowledge? Training and evaluation, metrics, rules check/test/stats, reports.

Each function here is the twin of a command (``train``, ``evaluate``, ``rules check``,
``rules test``, ``rules stats``) and returns a pydantic report that the CLI prints. All of them
judge the advisor through its one decision pipeline
(:class:`~model_advisor.engine.pipeline.Engine`).
"""

DEFAULT_FOLDS = 5
"""How many folds cross-validation uses unless told otherwise (here, not in :mod:`.evaluation`:
the command line needs it on every start, and that module is slow to import)."""
