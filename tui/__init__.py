"""assetwatch's user interfaces: the command line and the Textual dashboard."""
