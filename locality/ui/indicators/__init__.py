"""The indicators page's parts: the indicator dialog, the selected indicator's detail with its measurements and
trend chart, and the words and numbers they show. ``ui/indicators_page.py`` puts them together."""
