"""Scheduled upkeep of the web layer: forgetting the keys of forms taken long ago."""

from __future__ import annotations

from talent.web.submissions import forget_old_submissions

SCHEDULED = (("web-forget-submissions", forget_old_submissions, 6 * 60 * 60),)
