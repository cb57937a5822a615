"""China's administrative divisions: the gazetteer, the informal-name resolver, coverage look-ups."""
