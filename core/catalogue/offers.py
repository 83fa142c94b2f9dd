"""Waiting-list offers, feedback requests and other texts the jobs send.

An offer asks for BOOK, never only YES: Twilio treats a bare YES as an opt-in keyword and may
answer it itself (DESIGN.md). Welsh texts are UCS-2 (70 characters a segment): kept short."""

OFFERS: dict[str, dict[str, str]] = {
    "sms_waiting_joined": {
        "en": ("On the waiting list: {prison}, {day} {time}. If a place comes up we will text "
               "you."),
        "cy": "Rydych ar y rhestr aros: {prison}, {day} {time}. Os daw lle, cewch neges.",
    },
    "sms_offer": {
        "en": "Place free: {prison}, {day} {time}. Held till {until}. Reply BOOK or NO",
        "cy": "Lle ar gael: {prison}, {day} {time}. Ar gadw tan {until}. Atebwch BOOK neu NO.",
    },
    "offer_declined": {
        "en": "Thank you. The place has been passed to the next person waiting.",
        "cy": "Diolch. Mae'r lle wedi'i roi i'r person nesaf sy'n aros.",
    },
    "sms_feedback_request": {
        "en": "How was booking your visit to {prison}? Reply 1 (poor) to 5 (very good).",
        "cy": "Sut oedd trefnu'ch ymweliad i {prison}? Atebwch gyda rhif 1 (gwael) i 5 (da iawn).",
    },
    "request_not_reviewed": {
        "en": "staff could not review it before the booking deadline",
        "cy": "ni allai staff ei adolygu cyn y dyddiad cau",
    },
}
