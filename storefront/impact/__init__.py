"""Training programmes, partners and their cooperation agreements."""
