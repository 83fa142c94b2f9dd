"""The visits booking core: the rules of the Visits Booking service specification.

Knows nothing of Flask, Twilio or RQ. Use cases take a unit of work, a clock and
whatever port they need, and raise domain errors (core.errors) a caller can hear.
"""
