"""The funding page's parts: the allocation and spend dialogs, the spend-against-budget list, the selected action's
entries, the funding sources and partner contributions tabs, and the words they show. ``ui/funding_page.py`` puts
them together and loads them."""
