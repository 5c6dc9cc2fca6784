"""Partner API of forecasts and sufficiency gaps (actions on the authorities and regions endpoints)."""
