"""Synthetic demo region: SSDA903 exports, settings, fostering households, costs and populations.

Synthetic only: every child, carer, home and provider is invented. See :func:`generate_region`.
"""

from placements.demo.generator import DemoAuthority, DemoRegion, collection_years, generate_region

__all__ = ["DemoAuthority", "DemoRegion", "collection_years", "generate_region"]
