"""The phone line: Twilio voice webhooks over the booking core."""
