"""The shopping cart, kept in the database and found by a token in a signed cookie."""
