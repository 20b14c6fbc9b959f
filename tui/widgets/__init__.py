"""The four panes of the main screen and their shared base class."""
