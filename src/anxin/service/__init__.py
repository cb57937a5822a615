"""The after-sales half: intake, dispatch, SLA, visits, stations, members, case library."""
