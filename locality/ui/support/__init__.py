"""The support directory's page and dialogs (issue 16), and the Find support dialog opened from needs."""

from locality.ui.support.page import SupportPage

__all__ = ["SupportPage"]
