"""A status callback naming a message id beyond the database's integer range is answered, not
a 500 (found by the property test on PostgreSQL)."""
from tests.support.twilio_requests import signed_post


def test_a_status_callback_with_an_out_of_range_message_id_is_answered(client):
    response = signed_post(client, "/sms/status?m=2147483648",
                           {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered"})
    assert response.status_code == 204
