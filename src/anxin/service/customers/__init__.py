"""Customers of a brand: phone and name sealed at rest, found again by the phone's blind index."""
