"""The probes (one module per protocol, each with a hard timeout) and the
runner that keeps many of them in flight per worker process."""
