"""Sufficiency strategies (objectives, measures, actions) and the KPI catalogue boards read."""
