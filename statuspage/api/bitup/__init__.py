"""api.php, the read-only status API of the BitUp contract.

One module per action (status, categories, incidents, stats), the query
parameters and their errors (params, envelope), the monitor rows every count
is taken from (counting), the view and its OpenAPI description (view, schema).
"""
