"""The public status page: what customers see at /, /history, /incidents/<id>,
the feeds and the badges (the v2 JSON is statuspage/api/statuspage_v2/; what
both read is statuspage/public/).

bars.py      the 90-day uptime bars
rows.py      a category's and a monitor's row
context.py   what the page's templates get
history.py   past incidents grouped by day and by month
feeds.py     Atom and RSS
badges.py    SVG badges
"""
