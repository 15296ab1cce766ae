"""The ``p2c`` command."""
