"""Sufficiency statements: the annual assessment and strategy, built from the register."""
