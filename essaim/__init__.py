"""Essaim: a platform for French business and employment cooperatives (CAE)."""
