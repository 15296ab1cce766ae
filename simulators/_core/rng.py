"""Seeded randomness: one run seed, sub-seeds derived per (seed, system, tenant, purpose)."""

from __future__ import annotations

import hashlib
import random

from faker import Faker


def derive_seed(seed: int, *parts: str) -> int:
    """Derive a stable 64-bit sub-seed from a run seed and a path of names.

    The derivation is a hash, so adding a new consumer of randomness never shifts the stream of another.
    """
    # The unit separator cannot be confused with a character of a name, so ("a/b",) != ("a", "b").
    digest = hashlib.blake2b("\x1f".join((str(seed), *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def make_rng(seed: int, *parts: str) -> random.Random:
    """A ``random.Random`` seeded from the run seed and a path of names."""
    return random.Random(derive_seed(seed, *parts))


def make_faker(seed: int, *parts: str, locale: str = "en_US") -> Faker:
    """A ``Faker`` instance seeded per instance (never the class-level ``Faker.seed``)."""
    fake = Faker(locale)
    fake.seed_instance(derive_seed(seed, "faker", *parts))
    return fake
