"""Stock: reservations, releases and every movement recorded."""
