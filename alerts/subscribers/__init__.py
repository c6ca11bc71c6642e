"""Customers subscribed to the status page: subscribing and confirming
(subscribing.py), which notices there are (notices.py), who hears one
(audience.py), the fan-out and the batched sends (fanout.py, batch.py), what a
notice says (content.py) and the rule for webhook addresses (webhook_urls.py).
The models are in alerts/models/subscriber.py, the tasks in alerts/tasks.py."""
