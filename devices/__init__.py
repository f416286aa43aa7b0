"""Device kinds: payload schemas and pure decode / encode adapters."""
