"""SMS: inbound conversations and the Twilio sender, over the booking core."""
