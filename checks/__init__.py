"""assetwatch's headless core: inventory, probes, checks, store. Never imports the UI."""
