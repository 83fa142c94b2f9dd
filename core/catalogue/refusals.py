"""Why a booking, cancellation or identification was refused: fit to say and to text."""

REFUSALS: dict[str, dict[str, str]] = {
    "prisoner_not_here": {
        "en": "That prisoner is not held at this prison.",
        "cy": "Nid yw'r carcharor hwnnw yn y carchar hwn.",
    },
    "prisoner_not_found": {
        "en": "We cannot find a prisoner with that prison number.",
        "cy": "Ni allwn ddod o hyd i garcharor gyda'r rhif carchar hwnnw.",
    },
    "outside_window": {
        "en": "Visits can be booked from {earliest} up to {latest}.",
        "cy": "Gellir trefnu ymweliadau o {earliest} hyd at {latest}.",
    },
    "session_closed": {
        "en": "That visiting session is closed. Please choose another.",
        "cy": "Mae'r sesiwn ymweld honno ar gau. Dewiswch un arall.",
    },
    "no_adult": {
        "en": "The person booking must be 18 or over, and every visit needs an adult aged 18 or over.",
        "cy": "Rhaid i'r sawl sy'n trefnu fod yn 18 oed neu hŷn, ac mae angen oedolyn 18 oed neu hŷn ar bob ymweliad.",
    },
    "party_too_large": {
        "en": "A table takes at most {max_people} people, {max_adults} of them adults. That party is too large to book.",
        "cy": "Mae lle i {max_people} o bobl wrth fwrdd, {max_adults} ohonynt yn oedolion. Mae'r parti yn rhy fawr i'w drefnu.",
    },
    "not_approved": {
        "en": "{name} is not on the prisoner's approved visitor list.",
        "cy": "Nid yw {name} ar restr ymwelwyr cymeradwy y carcharor.",
    },
    "banned": {
        "en": "{name} cannot visit before {until}.",
        "cy": "Ni all {name} ymweld cyn {until}.",
    },
    "banned_indefinitely": {
        "en": "{name} cannot visit. Please speak to staff.",
        "cy": "Ni all {name} ymweld. Siaradwch â'r staff.",
    },
    "closed_visits_only": {
        "en": "Only a closed visit is possible, {because}, and there is no closed table free in that session.",
        "cy": "Dim ond ymweliad caeedig sy'n bosibl, {because}, ac nid oes bwrdd caeedig ar gael yn y sesiwn honno.",
    },
    "non_association": {
        "en": "The prisoner cannot have a visit on that day. Please choose another day.",
        "cy": "Ni all y carcharor gael ymweliad ar y diwrnod hwnnw. Dewiswch ddiwrnod arall.",
    },
    "prisoner_already_booked": {
        "en": "The prisoner already has a visit in that session.",
        "cy": "Mae gan y carcharor ymweliad yn y sesiwn honno yn barod.",
    },
    "visitor_already_booked": {
        "en": "{name} already has a visit at that time.",
        "cy": "Mae gan {name} ymweliad ar yr amser hwnnw yn barod.",
    },
    "remand_weekly_limit": {
        "en": "The prisoner already has {limit} visits that week, the most allowed. Please choose another week.",
        "cy": "Mae gan y carcharor {limit} ymweliad yr wythnos honno yn barod, yr uchafswm. Dewiswch wythnos arall.",
    },
    "no_vo_left": {
        "en": "The prisoner has no visiting orders left. The next one is due on {next_due}.",
        "cy": "Nid oes gan y carcharor orchmynion ymweld ar ôl. Mae'r nesaf yn ddyledus ar {next_due}.",
    },
    "slot_full": {
        "en": "That session is full. You can choose another session or join the waiting list.",
        "cy": "Mae'r sesiwn honno'n llawn. Gallwch ddewis sesiwn arall neu ymuno â'r rhestr aros.",
    },
    "hold_expired": {
        "en": "The time to confirm ran out and the place was released. Please choose again.",
        "cy": "Daeth yr amser i gadarnhau i ben a rhyddhawyd y lle. Dewiswch eto.",
    },
    "booking_not_found": {
        "en": "We cannot find a booking with that reference for your number.",
        "cy": "Ni allwn ddod o hyd i drefniant gyda'r cyfeirnod hwnnw ar gyfer eich rhif.",
    },
    "invalid_reference": {
        "en": "That reference is not right. It has 9 digits. Please check it and try again.",
        "cy": "Nid yw'r cyfeirnod yn gywir. Mae ganddo 9 digid. Gwiriwch ef a rhowch gynnig arall.",
    },
    "too_late_to_cancel": {
        "en": "That visit has already started, so it cannot be cancelled now. Please speak to staff.",
        "cy": "Mae'r ymweliad wedi dechrau, felly ni ellir ei ganslo nawr. Siaradwch â'r staff.",
    },
    "cancel_reason_needed": {
        "en": "That visit has already started. Say why it is being cancelled.",
        "cy": "Mae'r ymweliad wedi dechrau. Dywedwch pam y caiff ei ganslo.",
    },
    "not_a_request": {
        "en": "That booking is not waiting for a decision.",
        "cy": "Nid yw'r trefniant hwnnw'n aros am benderfyniad.",
    },
    "identity_not_confirmed": {
        "en": "Those details do not match our records.",
        "cy": "Nid yw'r manylion hynny'n cyfateb i'n cofnodion.",
    },
    "self_service_locked": {
        "en": "Phone self-service is locked for your safety until {until}. Please speak to staff.",
        "cy": "Mae hunanwasanaeth ffôn wedi'i gloi er eich diogelwch tan {until}. Siaradwch â'r staff.",
    },
    "unknown_caller": {
        "en": "We do not recognise the number you are calling from.",
        "cy": "Nid ydym yn adnabod y rhif rydych yn ffonio ohono.",
    },
    "not_professional": {
        "en": "Only registered professional visitors can book professional visits.",
        "cy": "Dim ond ymwelwyr proffesiynol cofrestredig all drefnu ymweliadau proffesiynol.",
    },
    "no_offer": {
        "en": "There is no visit place on offer to you just now.",
        "cy": "Nid oes lle ymweld yn cael ei gynnig i chi ar hyn o bryd.",
    },
    "offer_expired": {
        "en": "The time to answer ran out and the place was offered to the next person waiting.",
        "cy": "Daeth yr amser i ateb i ben a chynigiwyd y lle i'r person nesaf sy'n aros.",
    },
    # Met only by staff: recording attendance, reviewing visits after a prisoner moved.
    "attendance_staff_only": {
        "en": "Only staff record whether a visit took place.",
        "cy": "Dim ond staff sy'n cofnodi a gafodd ymweliad ei gynnal.",
    },
    "attendance_not_booked": {
        "en": "Only a booked visit can be recorded as attended or not attended. This one has "
              "ended another way.",
        "cy": "Dim ond ymweliad wedi'i drefnu y gellir ei gofnodi fel un a fynychwyd neu beidio. "
              "Mae hwn wedi dod i ben mewn ffordd arall.",
    },
    "attendance_not_recorded": {
        "en": "Only a visit recorded as attended or not attended can be corrected. Record "
              "whether the visitors came first.",
        "cy": "Dim ond ymweliad a gofnodwyd fel un a fynychwyd neu beidio y gellir ei gywiro. "
              "Cofnodwch yn gyntaf a ddaeth yr ymwelwyr.",
    },
    "attendance_correction_too_late": {
        "en": "It is too late to correct whether this visit took place: it could be corrected "
              "until the end of {last_day} (the day after the visit, or the day attendance was "
              "recorded if that was later).",
        "cy": "Mae'n rhy hwyr i gywiro a gafodd yr ymweliad hwn ei gynnal: gellid ei gywiro tan "
              "ddiwedd {last_day} (y diwrnod ar ôl yr ymweliad, neu'r diwrnod y cofnodwyd "
              "presenoldeb os oedd hynny'n hwyrach).",
    },
    "review_visit_ended": {
        "en": "That visit has ended (cancelled or recorded), so there is nothing to keep.",
        "cy": "Mae'r ymweliad wedi dod i ben (wedi'i ganslo neu ei gofnodi), felly nid oes dim "
              "i'w gadw.",
    },
    "attendance_too_early": {
        "en": "That visit has not started yet. Record who came once the session has begun.",
        "cy": "Nid yw'r ymweliad wedi dechrau eto. Cofnodwch pwy ddaeth unwaith y bydd y sesiwn "
              "wedi dechrau.",
    },
}
