"""Recurring counterfeit hotspots (docs/legal-basis.md §8): ranked cells, patterns, alerts."""
