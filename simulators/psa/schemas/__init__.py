"""Kantata OX wire shapes: request bodies (:mod:`.inputs`), records (:mod:`.records`) and envelopes
(:mod:`.envelopes`).

Ids and foreign keys are JSON strings on the way out (Kantata's convention); on the way in, a string or a
number is accepted. Unknown body attributes are ignored, as Kantata's Rails controllers ignore unpermitted
parameters. Money is integer cents (``*_in_cents``).
"""
