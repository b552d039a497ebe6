"""Services of preparedness (the only writers), one module per area."""
