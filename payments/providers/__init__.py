"""Payment gateways as plugins: `base` defines the interface, `registry` holds them by key."""
