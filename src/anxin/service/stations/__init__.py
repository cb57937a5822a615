"""Community service stations (社区服务站): where they are, when they open, which districts and towns they cover."""
