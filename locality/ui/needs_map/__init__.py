"""The needs map page's tabs: matrix, gaps, heat map, network, similar needs and ranking."""
