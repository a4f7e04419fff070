"""The files layer: reading staff lists and award logs (xlsx, CSV) safely, and writing results atomically."""
