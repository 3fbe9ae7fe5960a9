"""Views: ipywidgets wired to the models. One module per topic; nothing here computes.

Importing ``netcourse.widgets`` alone imports nothing heavy; each topic module imports
ipywidgets (and its model) itself.
"""
