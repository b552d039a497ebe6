"""Pure functions implementing national standards and regulations. No Django, nothing of ours imported.

Each function's docstring names the standard and clause it implements; tables live in ``data/``.
"""
