"""Deterministic synthetic demo waves (2024-demo, 2026-demo): raw exports and their truth."""
