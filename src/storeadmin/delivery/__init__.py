"""``storeadmin serve``: PayNow's game-server API, so the official plugins deliver here.

``app.create_app`` builds the ASGI app over any ``DeliveryService``; ``server.serve``
runs it with uvicorn (loopback unless a host is given, graceful shutdown, token-free
access logs). Starlette and uvicorn are only imported by this package and the CLI.
"""
