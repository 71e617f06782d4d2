"""A small OpenID Connect provider (django-oidc-provider) that tests start on loopback.

It is a Django project of its own, run in a subprocess with its own SQLite database: nothing here
is an app of the main project. `server.running_provider` prepares and starts it."""
