"""Values with meaning for the placement register."""

# Distances: the published threshold for "placed a long way from home" (DfE, Ofsted).
DISTANCE_THRESHOLD_MILES = 20.0

# Weeks in a year, for annualising weekly costs (365.25 / 7).
WEEKS_PER_YEAR = 52.18

# Bulk writes are batched so that memory stays flat for national-scale files.
BULK_BATCH_SIZE = 5_000

# Field widths of the register: values longer than these are refused at import with a clear error.
MAX_CHILD_REF = 10
MAX_POSTCODE = 8
MAX_URN = 8
