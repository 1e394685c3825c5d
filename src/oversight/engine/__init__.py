"""The pure engine: every number Oversight reports is computed here, without Django."""
