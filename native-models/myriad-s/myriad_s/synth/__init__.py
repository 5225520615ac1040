"""Synthetic inspection data: procedural parts, painted and cut-paste anomalies, full ground truth."""
