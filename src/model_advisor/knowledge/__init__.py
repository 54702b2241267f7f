"""Everything read from a knowledge directory, and the one loader that compiles it.

The pipeline's first stage: YAML with positions (:mod:`.yaml_reader`), the rule and category
types (:mod:`.schema`), rule loading and checking (:mod:`.rules`), the notes' passages
(:mod:`.notes`), labelled tasks (:mod:`.examples`), rules compiled to tables
(:mod:`.compiled`), the classifier's weights (:mod:`.weights`, trained in :mod:`.training`),
the model file's framing (:mod:`.modelfile`), and :func:`.loader.load`, which turns a
directory into one immutable :class:`.loader.Knowledge` (handed the model builder, which sits
one stage up: :mod:`model_advisor.engine.building`).
"""
