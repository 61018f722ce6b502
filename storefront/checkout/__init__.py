"""Checkout: contact, delivery, review and placing the order."""
