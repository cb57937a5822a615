"""Verified brand hotlines, phone-number extraction, and the fake-hotline page scanner."""
