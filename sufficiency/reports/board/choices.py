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


class PublishStatusChoices(models.TextChoices):
    """Where a request to publish a draft stands (the PDF is drawn by a worker, off the web request).

    "" (none asked) -> queued -> running -> succeeded | failed. Only the worker that claims a queued request
    by a conditional update publishes it, so a redelivered task does nothing; a request still "running"
    after the hard time limit has lost its worker (its transaction rolled back) and may be claimed again.
    A failed request leaves the draft exactly as it was; asking again queues it afresh.
    """

    NONE = "", "Not requested"
    QUEUED = "queued", "Waiting to publish"
    RUNNING = "running", "Publishing"
    SUCCEEDED = "succeeded", "Published"
    FAILED = "failed", "Publishing failed"
