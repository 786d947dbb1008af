"""zoneledger: the project-lifecycle ledger of China's development zones."""
