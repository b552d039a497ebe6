"""Models of disasters, one module per area; each area appends its import below."""
