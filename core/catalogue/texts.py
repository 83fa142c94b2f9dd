"""Texts the line sends and notices it writes. English is GSM-7; Welsh is UCS-2 (70 characters a
segment, 67 when split), so Welsh texts are kept short."""

TEXTS: dict[str, dict[str, str]] = {
    # No one's name is in a text (a shared phone reads them too), and a Welsh text keeps to
    # letters GSM-7 has, so that it is not sent as UCS-2 at less than half the length.
    "sms_confirmation": {
        "en": ("Visit booked: {prison}, {day} {time}. Ref {reference}. Bring {id_requirements}. "
               "Arrive 45 mins early. To cancel, reply CANCEL {reference}"),
        "cy": ("Ymweliad wedi'i drefnu: {prison}, {day} {time}. Cyf {reference}. Dewch gyda "
               "{id_requirements}. Dewch 45 munud yn gynnar. I ganslo, atebwch CANSLO {reference}"),
    },
    "sms_request_received": {
        "en": ("Not booked yet: {prison}, {day} {time}. Staff will decide. To withdraw, reply "
               "CANCEL {reference}"),
        "cy": ("Cais, heb ei drefnu eto: {prison}, {day} {time}. Cyf {reference}. Cewch neges "
               "gan y staff. I dynnu'r cais, atebwch CANSLO {reference}"),
    },
    "sms_request_approved": {
        "en": ("Request approved, visit booked: {prison}, {day} {time}. Ref {reference}. Bring "
               "{id_requirements}. Arrive 45 mins early. To cancel, reply CANCEL {reference}"),
        "cy": ("Cais wedi'i gymeradwyo: {prison}, {day} {time}. Cyf {reference}. Dewch gyda "
               "{id_requirements}. Dewch 45 munud yn gynnar. I ganslo, atebwch CANSLO {reference}"),
    },
    "sms_request_rejected": {
        "en": "Your request for {day} (ref {reference}) was not approved: {reason}",
        "cy": "Ni chymeradwywyd eich cais am {day} (cyf {reference}): {reason}",
    },
    "sms_cancellation": {
        "en": "Visit cancelled: {prison}, {day} {time}. Ref {reference}. The place is released.",
        "cy": ("Ymweliad wedi'i ganslo: {prison}, {day} {time}. Cyf {reference}. "
               "Mae'r lle wedi'i ryddhau."),
    },
    "sms_reminder": {
        "en": ("Reminder: visit at {prison}, {day} {time}. Ref {reference}. Bring "
               "{id_requirements}. Arrive 45 mins early. To cancel, reply CANCEL {reference}"),
        "cy": ("Nodyn: ymweliad {prison}, {day} {time}. Cyf {reference}. Dewch gyda "
               "{id_requirements}. Dewch 45 munud yn gynnar. I ganslo, atebwch CANSLO {reference}"),
    },
    # The answer to a text the line could not answer at once, already in the visitor's language.
    "sms_late_reply": {"en": "{reply}", "cy": "{reply}"},
    "sms_needs_review": {
        "en": "Staff must check your visit to {prison}, {day} (ref {reference}). They will call you.",
        "cy": ("Rhaid i staff wirio'ch ymweliad: {prison}, {day} (cyf {reference}). Cewch alwad "
               "gan y staff."),
    },
    "notice_visit_cancelled": {
        "en": "Your visit on {day} at {time} with {visitors} has been cancelled ({why}).",
        "cy": "Mae eich ymweliad ar {day} am {time} gyda {visitors} wedi'i ganslo ({why}).",
    },
    "cancelled_by_visitor": {"en": "by the visitor", "cy": "gan yr ymwelydd"},
    "cancelled_by_staff": {"en": "by staff: {reason}", "cy": "gan staff: {reason}"},
    "cancelled_by_system": {"en": "{reason}", "cy": "{reason}"},
    "because_prisoner_closed": {
        "en": "because of a restriction on the prisoner",
        "cy": "oherwydd cyfyngiad ar y carcharor",
    },
    "because_visitor_closed": {
        "en": "because of a restriction on a visitor",
        "cy": "oherwydd cyfyngiad ar ymwelydd",
    },
    "because_prisoner_released": {
        "en": "the prisoner has been released",
        "cy": "mae'r carcharor wedi'i ryddhau",
    },
    "because_prisoner_transferred": {
        "en": "the prisoner has moved to another prison",
        "cy": "mae'r carcharor wedi symud i garchar arall",
    },
    "next_renewal": {"en": "the next renewal", "cy": "yr adnewyddiad nesaf"},
    "kind_social": {"en": "social", "cy": "cymdeithasol"},
    "kind_professional": {"en": "professional", "cy": "proffesiynol"},
    "and": {"en": "and", "cy": "a"},
}
