"""The back office at /staff: one view module per resource, all on the ``staff`` blueprint."""
