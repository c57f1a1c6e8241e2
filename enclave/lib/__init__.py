"""Helpers with no Django in them: money, periods, codes."""
