"""The ambassador programme: share kits, their composition and checks, the digest."""
