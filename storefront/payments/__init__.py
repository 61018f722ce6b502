"""Payments: the Stripe gateway, the only place the shop talks to Stripe."""
