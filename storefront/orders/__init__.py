"""Orders: placed from a cart, paid, fulfilled, and followed by the buyer."""
