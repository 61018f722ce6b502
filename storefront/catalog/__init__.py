"""The public catalogue: categories, products, variants and their images."""
