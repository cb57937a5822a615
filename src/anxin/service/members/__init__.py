"""Membership (会员制度): a brand's tiers with their privileges, and which customers hold which tier."""
