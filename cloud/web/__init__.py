"""What the API (cloud/api) and the admin's pages (cloud/admin) both stand on: the request's
session, settings, time and source, the guard against unstorable text, and the one mapping of
domain refusals to HTTP statuses. Imports neither; cloud/app.py assembles the two."""
