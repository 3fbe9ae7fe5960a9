"""Figures: matplotlib over the models, one module per topic; nothing here computes.

Every figure function returns a ``matplotlib.figure.Figure`` and closes it in pyplot, so a
notebook cell that ends with the call shows it exactly once.
"""
