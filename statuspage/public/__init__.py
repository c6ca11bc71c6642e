"""What the public surfaces (the HTML page and the v2 JSON) both read.

states.py        what a monitor and the whole page are in (the banner rule)
current.py       the current state loaded in a fixed number of queries
cache.py         short-lived response caching keyed by the page generation
invalidation.py  admin and API saves reach core.pagecache.changed() through signals
markdown.py      incident text: CommonMark, sanitised to a safe subset
"""
