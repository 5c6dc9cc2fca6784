"""The synthetic demo region: generator, profiles, loader, a year of placement requests, a demo strategy and
board reports, and the `load_demo` command.

Installed only where demo data is allowed (``DEMO_DATA_ALLOWED``, on in local and test settings), because it
creates accounts with a published password. It sits above every other layer: it writes through the
register's, forecasting's and the surfaces' own services, and nothing outside it imports it.
Synthetic only: every child, carer, home and provider is invented. See :func:`generator.generate_region`.
"""
