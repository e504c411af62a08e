"""Recurring counterfeit hotspots (RULES.md §7): ranked cells, patterns, alerts."""
