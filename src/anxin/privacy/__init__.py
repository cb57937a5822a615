"""Customer data protection (信息加密): field encryption with a key ring, blind indexes, masked display."""
