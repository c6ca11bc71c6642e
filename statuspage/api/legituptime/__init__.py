"""What the three resources of the management API v1 share: strict JSON
fields, the contract's error bodies, the body size limit, one way to write a
row and the OpenAPI schema."""
