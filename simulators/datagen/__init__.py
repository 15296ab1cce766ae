"""The coherent, seeded world that seeds all three simulators."""

from simulators.datagen.world import (
    PROFILES,
    Assignment,
    Consultant,
    Customer,
    Opportunity,
    Period,
    Project,
    World,
    build_world,
)

__all__ = [
    "PROFILES",
    "Assignment",
    "Consultant",
    "Customer",
    "Opportunity",
    "Period",
    "Project",
    "World",
    "build_world",
]
