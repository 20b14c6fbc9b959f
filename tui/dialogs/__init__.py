"""Modal screens: one per file, each returning its result through ``dismiss``."""
