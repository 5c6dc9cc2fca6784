"""Admin registrations for the placements app."""

from .national import admin as national_admin  # noqa: F401
