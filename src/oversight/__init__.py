"""Oversight: caseloads, allocation, supervision, timeliness and action plans for children's
social care teams."""
