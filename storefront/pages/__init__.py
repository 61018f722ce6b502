"""The shop's information pages: delivery, returns, privacy, terms, contact."""
