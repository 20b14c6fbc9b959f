"""Standard formats in and out: JSON Lines, CSV, brat standoff and the W3C Web Annotation model.

Every writer starts from Dossier's own export document (:func:`store.export.export_data`) and
every reader ends in one, which :meth:`store.Store.merge_export` merges and re-anchors: one
shape in the middle, so each format is written once and read once.
"""
