"""Delivery channels as plugins: one module per channel, registered in `registry`."""
