"""Where the tenant app plugs the control-plane client in: the app's lifespan and the worker's gauges.

``tenant_app.platform_client`` is the client library (it knows the control
plane's API, the spool and the flags, not the tenant app's settings or
domain); this package wires it to the app (``lifespan.control_plane_link``)
and reads the domain's gauges for it (``gauges``, ``tasks``). Keeping the two
apart keeps ``tenant_app.settings`` -> ``platform_client`` one-way.
"""
