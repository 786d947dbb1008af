"""The demo ledger: the zones and projects the seed documents name, plus generated illustrative ones."""
