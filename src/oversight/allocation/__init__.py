"""Allocation: the meeting, recommendations and recorded decisions (R-AL-1..4)."""
