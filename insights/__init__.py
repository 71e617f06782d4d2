"""Insights: the gap engine and its published figures (the public interface is insights.gaps)."""
