"""Supply: fostering capacity, the recruitment funnel and residential occupancy."""
