"""Choices for board progress reports. Stored values are stable; labels are what the board paper prints."""

from django.db import models


class BoardReportStatusChoices(models.TextChoices):
    """A board report is a draft (numbers live from the register, commentary editable) until it is
    published for a named meeting; publishing is one-way: a published report never changes again."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class SectionChoices(models.TextChoices):
    """The sections of a Corporate Parenting Board sufficiency update, in the order the paper prints them
    (modelled on Walsall's September 2024 update). Each has author-written commentary; most also carry
    generated numbers, tables and charts."""

    INTRODUCTION = "introduction", "Purpose of the report and recommendations"
    SUMMARY = "summary", "Key figures"
    CONSULTATION = "consultation", "Consultation with children and young people"
    WHERE_CHILDREN_LIVE = "where_children_live", "Where our children live"
    FOSTERING = "fostering", "Fostering"
    RESIDENTIAL = "residential", "Residential care"
    SUPPORTED = "supported", "Supported accommodation"
    FINDING = "finding", "Placement finding and unmet need"
    FORECAST = "forecast", "Forecast demand and the sufficiency gap"
    FINANCIAL = "financial", "Financial information"
    PROGRESS = "progress", "Progress against targets"
    ACTIONS = "actions", "Actions and their status"
    CONCLUSION = "conclusion", "Commentary and next steps"
