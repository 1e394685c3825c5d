"""Allocation (R-AL-1, R-AL-2): who may take a case, who should, and the whole meeting at once."""
