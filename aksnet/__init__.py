"""aksnet: plan, provision, tear down and migrate AKS clusters and their networks."""

__version__ = "0.1.0"
