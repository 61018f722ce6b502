"""Stored images: re-encoded, stripped of metadata, served as WebP renditions."""
