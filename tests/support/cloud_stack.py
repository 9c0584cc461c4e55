"""The demo's CloudStack with an admin's login at hand, for the end-to-end tests."""

from locker import access
from locker.stack import CloudStack


class LoggedInStack(CloudStack):
    @property
    def admin_headers(self):
        """An admin's bearer headers (the admin is made, with a random password, on first use)."""
        if getattr(self, "_admin_headers", None) is None:
            self._admin_headers = access.admin_headers(self.engine, self.api.url)
        return self._admin_headers
