"""Locustfiles: one module per load shape (``month_end`` is ``p2c load run month-end``).

This package must never import Locust: ``import locust`` monkey-patches the interpreter with gevent, so
the locustfiles run only in the load subprocess that :mod:`harness.load` starts. The launcher finds them
with ``importlib.util.find_spec``, which imports this package but not the locustfiles.
"""
