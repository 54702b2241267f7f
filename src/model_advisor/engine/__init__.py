"""Text in, decision out: text analysis, rule matching, the classifier and the decision.

:class:`.pipeline.Engine` is the one text -> decision function, built from a
:class:`~model_advisor.knowledge.loader.Knowledge`; every caller (advise, batch, evaluate,
rules test and stats) goes through it. Nothing here names a category.
"""
