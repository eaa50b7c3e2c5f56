"""The support directory's page and dialogs (issue 16)."""

from locality.ui.support.page import SupportPage

__all__ = ["SupportPage"]
