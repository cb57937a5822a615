"""Scaled-out decisions: events routed over a partitioned log to many ``anxin worker`` processes.

- :mod:`.plan` (pure): which partitions an event visits, each partition's
  feature values, and the decision from them with the engine's own code.
- :mod:`.log`: the partitioned, durable log with consumer groups; Redis
  Streams ships, and the interface is small enough for a Kafka client.
- :mod:`.producer`: stamps and routes events onto the log.
- :mod:`.worker`: owns partitions by lease, keeps their windows, snapshots
  them, takes over a dead worker's partitions, writes decisions idempotently.
"""
