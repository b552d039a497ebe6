"""Services of disasters (the only writers), one module per area."""
