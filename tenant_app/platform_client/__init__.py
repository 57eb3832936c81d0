"""The tenant app's link to the control plane: feature flags and usage.

Started by the app's lifespan (``tenant_app.app``) when ``CONTROL_PLANE_URL``
is set; the operator sets it and mounts a projected ServiceAccount token for
the audience ``consorcio-control-plane`` (``CONTROL_PLANE_TOKEN_FILE``).

* flags — :class:`~.flag_provider.ControlPlaneFlagProvider`, an OpenFeature
  provider evaluating locally from a snapshot kept fresh by long polling;
  handlers see :class:`~.feature_flags.FeatureFlags` (``app.state.feature_flags``)
  and routes are gated with ``opt={"feature_flag": ...}``;
* usage — :class:`~.usage_meter.UsageMeter` counts in memory,
  :class:`~.usage_reporter.UsageReporter` moves the counts to a spool table in
  the tenant's database every second and sends the spool in batches with
  stable event ids (at least once; the control plane stores each id once).

Its settings are ``tenant_app.settings.PlatformClientSettings`` (the app's one
settings module); the wiring into the app and the worker is in
``tenant_app.platform_link``.
"""
