"""The template workbooks: a budget planning workbook and an award tracking workbook.

``python3 -m workbooks.build`` builds both into this folder (the same bytes every run);
``xl-kent fill budget|awards`` writes a filled copy with the values the core computes.
"""
