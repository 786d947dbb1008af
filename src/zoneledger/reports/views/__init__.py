"""The read-side pages, one module per page (reports/urls.py routes to them)."""
