"""The JS library evaluated in quickjs for n8n expressions (see manifest.json, loader.py)."""
