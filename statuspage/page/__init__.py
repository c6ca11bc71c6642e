"""The public status page: what customers see at /, /history, /incidents/<id>,
the feeds, the badges and the hosted-status-page v2 JSON.

states.py    what a monitor and the whole page are in (the banner rule)
current.py   the current state loaded in a fixed number of queries
bars.py      the 90-day uptime bars
history.py   past incidents grouped by day and by month
markdown.py  the safe Markdown subset of incident text
cache.py     short-lived caching keyed by the page generation
signals.py   drop the cache when what the page shows changes
"""
