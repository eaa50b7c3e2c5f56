"""The dashboard's parts: figure tiles, charts, what a figure opens, and the board snapshots tab.
``ui/dashboard_page.py`` puts them together and loads the figures."""
