"""The evidence of what works: the dashboard's "What works" tab and File › Evidence paper…"""
