"""Rendering the notebooks to HTML (``render``) and the findings they record."""
