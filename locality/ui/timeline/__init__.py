"""The timeline page's parts: the view that paints the bars and the words it shows. ``ui/timeline_page.py``
holds the filters and loads; ``ui/timeline_layout.py`` is the plain-Python model of what goes where."""
