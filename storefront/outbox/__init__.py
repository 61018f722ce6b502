"""Messages written in the same transaction as the change they announce, sent later."""
