"""Phrases on the staff admin pages that visitors may also read."""

STAFF: dict[str, dict[str, str]] = {
    "sms_cancelled_closure": {
        "en": "Visit cancelled: {prison} is closed for visits on {day} ({reason}). Ref "
              "{reference}. Please call the line to book another date.",
        "cy": "Ymweliad wedi'i ganslo: {prison} ar gau {day}. Cyf {reference}. Ffoniwch i "
              "drefnu dyddiad arall.",
    },
}
