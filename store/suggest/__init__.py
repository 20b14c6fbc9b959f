"""Entity suggestions: pure functions that read an article's text and propose mentions.

Each module is one idea and returns :class:`Candidate` records (start, end, entity_type, name,
source, rule); :func:`suggest` runs them all and keeps one candidate wherever several overlap
(:func:`store.suggest.candidates.resolve`). Nothing here touches a store: the caller decides
what to do with the proposals.
"""
