"""Buyer and staff accounts."""
