"""Shared simulator machinery: app factory, clock, RNG, journal, faults, events and the control plane."""
