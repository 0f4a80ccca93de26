"""AKS on Azure Local through the official SDKs: preflight reads, the steps, teardown and status."""
