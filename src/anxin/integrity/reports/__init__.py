"""Consumer reports (举报机制): fake reviews, brushed shops, fake hotlines, technicians, with evidence."""
