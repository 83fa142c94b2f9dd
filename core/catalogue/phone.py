"""What the phone line says (IVR prompts), English and Welsh.

English menus take keys and speech, so they name a word to say; Welsh speech recognition is not
assured, so Welsh menus name keys only. "Stwnsh" is the Welsh for the hash key, "seren" star."""

PHONE: dict[str, dict[str, str]] = {
    # Greeting and language
    "ivr_welcome": {
        "en": "Welcome to the prison visits booking line.",
        "cy": "Croeso i linell drefnu ymweliadau carchar.",
    },
    "ivr_welcome_prison": {
        "en": "Welcome to the visits booking line for {prison}.",
        "cy": "Croeso i linell drefnu ymweliadau {prison}.",
    },
    # Said in the other language, in that language's voice.
    "ivr_other_language": {
        "en": "For English, press 9.",
        "cy": "Am wasanaeth Cymraeg, pwyswch 9.",
    },
    # Identification
    "ivr_identify": {
        "en": ("To confirm who you are, key your 4 digit PIN, or your date of birth as 8 "
               "digits, day, month and year, then press hash. You can also say them."),
        "cy": ("I gadarnhau pwy ydych chi, rhowch eich PIN 4 digid, neu eich dyddiad geni fel 8 "
               "digid, diwrnod, mis a blwyddyn, yna pwyswch stwnsh."),
    },
    "ivr_try_again": {"en": "Please try again.", "cy": "Rhowch gynnig arall arni."},
    "ivr_identify_gave_up": {
        "en": "We could not confirm who you are, so this call cannot go on by keypad.",
        "cy": "Ni allem gadarnhau pwy ydych chi, felly ni all yr alwad hon barhau drwy'r bysellbad.",
    },
    "ivr_hello": {"en": "Hello {name}.", "cy": "Helo {name}."},
    "ivr_unknown_menu": {
        "en": ("You can book once staff have registered your number. To speak to staff, press "
               "0 or say staff. To ask for a call back, press 1 or say call back."),
        "cy": ("Gallwch drefnu pan fydd y staff wedi cofrestru eich rhif. I siarad â'r staff, "
               "pwyswch 0. I ofyn am alwad yn ôl, pwyswch 1."),
    },
    # Main menu
    "ivr_main_menu": {
        "en": ("To book a visit, press 1 or say book. To hear your booked visits or cancel "
               "one, press 2 or say my visits. To join the waiting list for a full session, "
               "press 3 or say waiting list. To give feedback, press 4 or say feedback. To "
               "speak to staff, press 0 or say staff. To hear this again, press star."),
        "cy": ("I drefnu ymweliad, pwyswch 1. I glywed eich ymweliadau neu ganslo un, pwyswch "
               "2. I ymuno â'r rhestr aros am sesiwn lawn, pwyswch 3. I roi adborth, pwyswch 4. "
               "I siarad â'r staff, pwyswch 0. I glywed hyn eto, pwyswch seren."),
    },
    # Retries
    "ivr_not_understood": {
        "en": "Sorry, I did not understand that.",
        "cy": "Mae'n ddrwg gen i, ni ddeallais hynny.",
    },
    "ivr_no_answer": {
        "en": "Sorry, I did not hear anything.",
        "cy": "Mae'n ddrwg gen i, ni chlywais ddim.",
    },
    "ivr_too_many_tries": {
        "en": "Let me help you another way.",
        "cy": "Gadewch i mi eich helpu mewn ffordd arall.",
    },
    "ivr_sorry_error": {
        "en": "Sorry, something went wrong on our side.",
        "cy": "Mae'n ddrwg gen i, aeth rhywbeth o'i le ar ein hochr ni.",
    },
    "ivr_goodbye": {"en": "Thank you for calling. Goodbye.", "cy": "Diolch am ffonio. Hwyl fawr."},
    "ivr_start_again": {
        "en": "Sorry, we lost track of this call. Let us start again.",
        "cy": "Mae'n ddrwg gen i, collon ni'r alwad hon. Dechreuwn eto.",
    },
    # Options read after a refusal or a list
    "ivr_opt_another_date": {
        "en": "To choose another date, press 1.",
        "cy": "I ddewis dyddiad arall, pwyswch 1.",
    },
    "ivr_opt_waiting_list": {
        "en": "To join the waiting list for this session, press 3.",
        "cy": "I ymuno â'r rhestr aros ar gyfer y sesiwn hon, pwyswch 3.",
    },
    "ivr_opt_party": {
        "en": "To choose again who is coming, press 2.",
        "cy": "I ddewis eto pwy sy'n dod, pwyswch 2.",
    },
    "ivr_opt_staff": {"en": "To speak to staff, press 0.", "cy": "I siarad â'r staff, pwyswch 0."},
    "ivr_opt_main_menu": {
        "en": "For the main menu, press 8.",
        "cy": "Am y brif ddewislen, pwyswch 8.",
    },
    # Choosing the prisoner
    "ivr_choose_prisoner": {"en": "Who would you like to visit?", "cy": "Pwy hoffech chi ymweld â nhw?"},
    "ivr_option_prisoner": {
        "en": "For {name} at {prison}, press {key}.",
        "cy": "Am {name} yn {prison}, pwyswch {key}.",
    },
    "ivr_opt_prison_number": {
        "en": "To key a prison number, press 9.",
        "cy": "I roi rhif carchar, pwyswch 9.",
    },
    "ivr_key_prison_number": {
        "en": ("Key the four numbers in the prisoner's prison number, then press hash. For A 1 2 "
               "3 4 B C, key 1 2 3 4. Or say the whole prison number."),
        "cy": ("Rhowch y pedwar rhif yn rhif carchar y carcharor, yna pwyswch stwnsh. Am A 1 2 3 "
               "4 B C, rhowch 1 2 3 4."),
    },
    # Who is coming
    "ivr_choose_party": {"en": "Who is coming with you?", "cy": "Pwy sy'n dod gyda chi?"},
    "ivr_option_person": {"en": "For {name}, press {key}.", "cy": "Am {name}, pwyswch {key}."},
    "ivr_party_how": {
        "en": ("Key the numbers of everyone coming with you, then press hash. If nobody is "
               "coming with you, press 9. Or say their names, or say just me."),
        "cy": ("Rhowch rifau pawb sy'n dod gyda chi, yna pwyswch stwnsh. Os nad oes neb yn dod "
               "gyda chi, pwyswch 9."),
    },
    # Dates and sessions
    "ivr_dates_intro": {
        "en": "The soonest dates with places are:",
        "cy": "Y dyddiadau cynharaf gyda lle yw:",
    },
    "ivr_option_date": {"en": "For {day}, press {key}.", "cy": "Am {day}, pwyswch {key}."},
    "ivr_opt_key_date": {
        "en": "To choose another date, press 9, or say the date.",
        "cy": "I ddewis dyddiad arall, pwyswch 9.",
    },
    "ivr_no_dates": {
        "en": "There are no places free in the next four weeks.",
        "cy": "Does dim lle ar gael yn ystod y pedair wythnos nesaf.",
    },
    "ivr_key_date": {
        "en": ("Key the day and month as four numbers, then press hash. For the third of "
               "December, key 0 3 1 2. Or say the date."),
        "cy": ("Rhowch y diwrnod a'r mis fel pedwar rhif, yna pwyswch stwnsh. Am y trydydd o "
               "Ragfyr, rhowch 0 3 1 2."),
    },
    "ivr_bad_date": {
        "en": "That is not a date I can use.",
        "cy": "Nid yw hwnnw'n ddyddiad y gallaf ei ddefnyddio.",
    },
    "ivr_date_full": {
        "en": "Every session on {day} is full.",
        "cy": "Mae pob sesiwn ar {day} yn llawn.",
    },
    "ivr_date_none": {
        "en": "There are no visiting sessions on {day}.",
        "cy": "Does dim sesiynau ymweld ar {day}.",
    },
    "ivr_sessions_intro": {"en": "On {day} you can visit:", "cy": "Ar {day} gallwch ymweld:"},
    "ivr_option_session": {
        "en": "From {start} to {end}, press {key}.",
        "cy": "O {start} tan {end}, pwyswch {key}.",
    },
    # Read-back and confirmation
    "ivr_readback": {
        "en": "You are booking a visit to {prisoner} at {prison} on {day} from {start} to {end}, for {visitors}.",
        "cy": "Rydych yn trefnu ymweliad â {prisoner} yn {prison} ar {day} o {start} tan {end}, i {visitors}.",
    },
    "ivr_readback_closed": {
        "en": "It will be a closed visit, {because}.",
        "cy": "Bydd yn ymweliad caeedig, {because}.",
    },
    "ivr_readback_two_tables": {
        "en": "Your party will have two tables.",
        "cy": "Bydd gan eich parti ddau fwrdd.",
    },
    "ivr_readback_request": {
        "en": "Staff must approve this visit first, so it will be a request, not a booking, until they text you.",
        "cy": "Rhaid i'r staff gymeradwyo'r ymweliad yn gyntaf, felly cais fydd hwn nes iddynt anfon neges.",
    },
    "ivr_readback_vo": {
        "en": "It uses one of the prisoner's visiting orders.",
        "cy": "Mae'n defnyddio un o orchmynion ymweld y carcharor.",
    },
    "ivr_readback_held": {
        "en": "The place is held for you for {minutes} minutes.",
        "cy": "Mae'r lle ar gadw i chi am {minutes} munud.",
    },
    "ivr_confirm_menu": {
        "en": "To confirm, press 1 or say yes. To choose again, press 2 or say no.",
        "cy": "I gadarnhau, pwyswch 1. I ddewis eto, pwyswch 2.",
    },
    "ivr_booked": {"en": "Your visit is booked.", "cy": "Mae eich ymweliad wedi'i drefnu."},
    "ivr_requested": {
        "en": "Your visit request has gone to staff. It is not booked yet: they will text you their decision.",
        "cy": "Mae eich cais wedi mynd at y staff. Nid yw wedi'i drefnu eto: cewch neges gyda'u penderfyniad.",
    },
    "ivr_reference": {"en": "Your reference is {digits}.", "cy": "Eich cyfeirnod yw {digits}."},
    "ivr_reference_again": {
        "en": "Again, your reference is {digits}.",
        "cy": "Eto, eich cyfeirnod yw {digits}.",
    },
    "ivr_what_to_bring": {
        "en": "Bring {id_requirements}, and arrive 45 minutes before the visit.",
        "cy": "Dewch â {id_requirements}, a chyrraedd 45 munud cyn yr ymweliad.",
    },
    "ivr_no_text": {
        "en": "We cannot text this number, so please write down your reference now.",
        "cy": "Ni allwn anfon neges i'r rhif hwn, felly ysgrifennwch eich cyfeirnod nawr.",
    },
    "ivr_text_coming": {
        "en": "We will text you the details, with what to bring.",
        "cy": "Byddwn yn anfon neges atoch gyda'r manylion a beth i ddod gyda chi.",
    },
    "ivr_anything_else": {
        "en": ("For the main menu, press 1. To give feedback about this call, press 4. Or just "
               "hang up."),
        "cy": ("Am y brif ddewislen, pwyswch 1. I roi adborth am yr alwad hon, pwyswch 4. Neu "
               "rhowch y ffôn i lawr."),
    },
    # My visits and cancelling
    "ivr_no_visits": {
        "en": "You have no visits booked.",
        "cy": "Does gennych chi ddim ymweliadau wedi'u trefnu.",
    },
    "ivr_visit_item": {
        "en": "Visit {key}: {day} at {start}, {prisoner} at {prison}. Reference {digits}.",
        "cy": "Ymweliad {key}: {day} am {start}, {prisoner} yn {prison}. Cyfeirnod {digits}.",
    },
    "ivr_visit_item_request": {
        "en": "Visit {key}, a request not booked yet: {day} at {start}, {prisoner} at {prison}. Reference {digits}.",
        "cy": "Ymweliad {key}, cais heb ei drefnu eto: {day} am {start}, {prisoner} yn {prison}. Cyfeirnod {digits}.",
    },
    "ivr_visits_menu": {
        "en": "To cancel a visit, press its number. For the main menu, press 8.",
        "cy": "I ganslo ymweliad, pwyswch ei rif. Am y brif ddewislen, pwyswch 8.",
    },
    "ivr_cancel_check": {
        "en": ("To cancel your visit to {prisoner} on {day} at {start}, press 1 or say yes. To "
               "keep it, press 2 or say no."),
        "cy": "I ganslo eich ymweliad â {prisoner} ar {day} am {start}, pwyswch 1. I'w gadw, pwyswch 2.",
    },
    "ivr_cancelled": {
        "en": "Your visit on {day} is cancelled and the place released. We will text you to confirm.",
        "cy": "Mae eich ymweliad ar {day} wedi'i ganslo a'r lle wedi'i ryddhau. Cewch neges i gadarnhau.",
    },
    "ivr_already_cancelled": {
        "en": "That visit was already cancelled.",
        "cy": "Roedd yr ymweliad hwnnw wedi'i ganslo eisoes.",
    },
    "ivr_kept": {"en": "Your visit has not been changed.", "cy": "Nid yw eich ymweliad wedi newid."},
    # Waiting list
    "ivr_waiting_date": {
        "en": "Which date would you like to wait for?",
        "cy": "Pa ddyddiad hoffech chi aros amdano?",
    },
    "ivr_waiting_has_places": {
        "en": "There are still places on {day}, so you can book one now.",
        "cy": "Mae lle ar gael o hyd ar {day}, felly gallwch drefnu un nawr.",
    },
    "ivr_waiting_sessions": {
        "en": "To join the waiting list for a full session on {day}:",
        "cy": "I ymuno â'r rhestr aros am sesiwn lawn ar {day}:",
    },
    "ivr_waiting_joined": {
        "en": ("You are on the waiting list for {day} at {start}. If a place comes up we will "
               "text you and hold it for you."),
        "cy": "Rydych ar y rhestr aros am {day} am {start}. Os daw lle, cewch neges a bydd ar gadw i chi.",
    },
    # Feedback
    "ivr_feedback_rate": {
        "en": "How easy was it to book? Press a number from 1, poor, to 5, very good.",
        "cy": "Pa mor hawdd oedd trefnu? Pwyswch rif o 1, gwael, i 5, da iawn.",
    },
    "ivr_feedback_comment": {
        "en": "Thank you. If you would like to add a comment, say it now. Or press hash to finish.",
        "cy": "Diolch. Gallwch anfon sylw atom drwy neges destun.",
    },
    "ivr_feedback_thanks": {"en": "Thank you for your feedback.", "cy": "Diolch am eich adborth."},
    # Staff
    "ivr_to_staff": {
        "en": "Putting you through to staff. Please hold.",
        "cy": "Yn eich trosglwyddo i'r staff. Arhoswch os gwelwch yn dda.",
    },
    "ivr_queue_position": {
        "en": "You are number {position} in the queue for staff. Please hold.",
        "cy": "Rydych yn rhif {position} yn y ciw am y staff. Arhoswch os gwelwch yn dda.",
    },
    "ivr_staff_closed": {
        "en": "Staff are not available now. They answer calls from {opens} to {closes}, {days}.",
        "cy": "Nid yw'r staff ar gael nawr. Maen nhw'n ateb galwadau o {opens} tan {closes}, {days}.",
    },
    "ivr_staff_unanswered": {
        "en": "Sorry, nobody could answer just now.",
        "cy": "Mae'n ddrwg gen i, doedd neb yn gallu ateb nawr.",
    },
    "ivr_callback_offer": {
        "en": "To ask staff to call you back, press 1 or say call back. Otherwise, just hang up.",
        "cy": "I ofyn i'r staff eich ffonio'n ôl, pwyswch 1. Fel arall, rhowch y ffôn i lawr.",
    },
    "ivr_callback_record": {
        "en": ("Staff will call you back on this number. After the tone, say your name and what "
               "it is about, then press hash. Or just hang up."),
        "cy": ("Bydd y staff yn eich ffonio'n ôl ar y rhif hwn. Ar ôl y dôn, dywedwch eich enw a "
               "beth sydd dan sylw, yna pwyswch stwnsh. Neu rhowch y ffôn i lawr."),
    },
    "ivr_callback_thanks": {
        "en": "Thank you. Staff will call you back.",
        "cy": "Diolch. Bydd y staff yn eich ffonio'n ôl.",
    },
    "ivr_days_weekdays": {"en": "Monday to Friday", "cy": "dydd Llun i ddydd Gwener"},
    "ivr_days_every": {"en": "every day", "cy": "bob dydd"},
    "ivr_days_some": {"en": "on some days", "cy": "ar rai dyddiau"},
}
