"""The support directory page's parts, and the Find support dialog opened from needs."""
