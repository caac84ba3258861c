"""The ICS documents of an incident, read from its models and built in one place for the
API, the printable pages and the IAP alike: the organization chart (ICS 207), the plan of
a period (ICS 202, 203, 204 and the IAP) and the situation report (ICS 209)."""
