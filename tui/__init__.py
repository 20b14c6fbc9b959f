"""Dossier's terminal app: four panes over a :mod:`store` Store, driven by the keyboard."""
