"""The gateway's contacts: who wrote from which address, under which pseudonym, and what
the gateway remembers of them (language, site, opt-out, menus)."""
