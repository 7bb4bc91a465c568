"""AutomateLanka: run n8n workflows, faster and lighter."""

__version__ = "0.1.0"
