"""Bulk recalculation of staff lists: the file layer (reading, writing) and the pipeline."""
