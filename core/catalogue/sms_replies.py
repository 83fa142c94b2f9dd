"""Answers to texts the line receives.

English is GSM-7 and fits two segments; Welsh uses letters outside GSM-7, so it is sent as UCS-2
(70 characters a segment, 67 when split): Welsh replies are kept to one or two segments.

Commands the line understands (both languages are understood from every number):
  CANCEL <ref> / CANSLO <ref>      cancel a visit (a bare CANCEL is an opt-out, as Twilio has it)
  BOOK, YES / ARCHEBU, IE          take a waiting-list place on offer
  NO / NA                          pass the place on
  VISITS / YMWELIADAU              list upcoming visits
  HELP, INFO / CYMORTH             help
  STOP ... / STOPIO                stop texts; START, UNSTOP, YES / DECHRAU start them again
"""

SMS_REPLIES: dict[str, dict[str, str]] = {
    "reply_help": {
        "en": ("Visits line: text CANCEL and your ref to cancel a visit, VISITS to list your "
               "visits, BOOK or NO to answer a place offer, STOP to stop texts. To book, call us."),
        "cy": "CANSLO a'r cyf i ganslo, YMWELIADAU i'w rhestru, ARCHEBU neu NA i ateb cynnig.",
    },
    "reply_not_understood": {
        "en": ("Sorry, we did not understand. Text CANCEL and your ref to cancel a visit, VISITS "
               "to list them, or HELP."),
        "cy": "Sori, ni ddeallwyd. CANSLO a'r cyf i ganslo, YMWELIADAU, neu CYMORTH.",
    },
    "reply_cancel_how": {
        "en": "To cancel a visit, text CANCEL and the 9-digit reference, like CANCEL 123 456 789.",
        "cy": "I ganslo, anfonwch CANSLO a'r cyfeirnod 9 digid, e.e. CANSLO 123 456 789.",
    },
    "reply_cancelled": {
        "en": "Visit {reference} is cancelled and the place released. We have told the prison.",
        "cy": "Mae ymweliad {reference} wedi'i ganslo. Rydym wedi dweud wrth y carchar.",
    },
    "reply_withdrawn": {
        "en": "Visit request {reference} is withdrawn.",
        "cy": "Mae cais {reference} wedi'i dynnu'n ôl.",
    },
    "reply_already_ended": {
        "en": "Visit {reference} was already cancelled or has ended. Nothing has changed.",
        "cy": "Mae {reference} eisoes wedi'i ganslo neu wedi dod i ben. Dim newid.",
    },
    "reply_visits": {
        "en": "Your visits: {visits}",
        "cy": "Eich ymweliadau: {visits}",
    },
    "reply_visit_item": {
        "en": "{day} {time} {prison} ref {reference}",
        "cy": "{day} {time} {prison} cyf {reference}",
    },
    "reply_request_item": {
        "en": "{day} {time} {prison} ref {reference} (not booked yet)",
        "cy": "{day} {time} {prison} cyf {reference} (cais)",
    },
    "reply_visits_more": {
        "en": "and {count} more",
        "cy": "a {count} arall",
    },
    "reply_no_visits": {
        "en": "You have no visits booked. To book, call the visits line.",
        "cy": "Nid oes gennych ymweliadau. I drefnu, ffoniwch y llinell.",
    },
    "reply_unknown_number": {
        "en": "We do not recognise this number. Please call the visits booking line.",
        "cy": "Nid ydym yn adnabod y rhif hwn. Ffoniwch y llinell ymweliadau.",
    },
    "reply_opted_out": {
        "en": "You will get no more texts from the visits line. Reply START to get them again.",
        "cy": "Ni chewch ragor o negeseuon. Atebwch START i'w cael eto.",
    },
    "reply_opted_in": {
        "en": "You will get texts from the visits line again. Reply STOP to stop them.",
        "cy": "Byddwch yn cael negeseuon eto. Atebwch STOP i'w hatal.",
    },
    "reply_feedback_rating_thanks": {
        "en": "Thank you. To tell us more, reply with your comments.",
        "cy": "Diolch. I ddweud mwy, atebwch gyda'ch sylwadau.",
    },
    "reply_feedback_thanks": {
        "en": "Thank you for your feedback.",
        "cy": "Diolch am eich adborth.",
    },
    "reply_rating_range": {
        "en": "Please reply with a number from 1 (poor) to 5 (very good).",
        "cy": "Atebwch gyda rhif 1 (gwael) i 5 (da iawn).",
    },
    "reply_try_later": {
        "en": "Sorry, something went wrong. Please try again later or call the visits line.",
        "cy": "Sori, aeth rhywbeth o'i le. Rhowch gynnig eto neu ffoniwch y llinell.",
    },
}
