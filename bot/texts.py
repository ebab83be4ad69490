"""The interface's messages for refusals, keyed by AnswerError code (English msgids; Chinese in messages.po).

A message's {placeholders} are filled from the error's params; a test checks every translation keeps them.
"""

from __future__ import annotations

from bot.i18n import N_

ERRORS: dict[str, str] = {
    # choices
    "option_out_of_range": N_("Please pick a number from 1 to {max}."),
    "choose_one": N_("Please reply with one option number (1–{max})."),
    "choose_one_or_number": N_("Please reply with one option number (1–{max}), or the exact figure."),
    "choose_some": N_("Please reply with one or more option numbers (1–{max}), separated by spaces, e.g. 1 3 4."),
    "exclusive_with_others": N_("“{option}” cannot be combined with other options."),
    "number_in_no_band": N_("That value fits none of the options."),
    "stale_button": N_("That button belongs to an earlier question. Here is the current one."),
    "stale_screen": N_("That answer was given on an earlier screen (another tab, or a page not yet refreshed), so "
                       "nothing was saved. Here is where the interview stands now."),
    # flow
    "required": N_("This question must be answered; it cannot be skipped."),
    "at_start": N_("This is the first question; there is nothing to go back to."),
    "on_review": N_("You are on the review screen: choose an item to change, continue, or submit."),
    "missing_answers": N_("{count} question(s) still need an answer before you can submit."),
    "already_submitted": N_("This interview has been submitted and can no longer be changed."),
    "no_such_item": N_("There is no such question."),
    "item_not_asked": N_("Question {number} is not asked with your current answers (it depends on an earlier one)."),
    "held_by_staff": N_("A helpdesk colleague is working on this interview right now; you will be told when it is "
                        "handed back."),
    "not_your_session": N_("This interview now continues on another account."),
    "no_suggestion": N_("There is no earlier value to reuse for this question."),
    "no_files_here": N_("This question takes text, not a file."),
    "other_needs_text": N_("Please say briefly what “other” means here."),
    "group_use_menu": N_("Please choose: add, edit N, remove N, or done."),
    "group_full": N_("At most {max} entries can be added."),
    "group_too_few": N_("Please add at least {min} entry/entries."),
    "no_such_entry": N_("Please give an entry number from 1 to {max}."),
    "entry_unfinished": N_("{entry} {number} is not finished: what you typed would be lost. Finish it, or "
                           "discard it first (the “Discard” button, or type discard)."),
    "nothing_to_discard": N_("There is no unfinished entry to discard."),
    "entry_in_progress": N_("You are filling in {entry} {number}: please answer the question below first (or type "
                            "discard to drop this entry). The list, with add, edit, remove and done, comes when the "
                            "entry is complete."),
    "no_entries_yet": N_("There are no entries yet: type add to add one."),
    # numbers
    "not_an_integer": N_("Please enter a whole number."),
    "not_a_number": N_("Please enter a number."),
    "number_too_small": N_("The number must be at least {min}."),
    "number_too_large": N_("The number must be at most {max}."),
    "number_must_exceed": N_("The number must be greater than {min}."),
    "too_many_decimals": N_("Please use at most {places} decimal places."),
    "money_wrong_unit": N_("This amount is asked in {unit} (10,000 yuan): please convert it, e.g. 825,000 yuan is "
                           "82.5."),
    "yuan_places": N_("An amount in yuan has at most {places} decimals (the fen), and the total is this price times "
                      "the quantity: type the price as it will be paid, e.g. {rounded}."),
    # likely slips, asked once (the same answer again is taken)
    "percent_below_one": N_("You typed {value}: did you mean {value}%, or {percent}%? For {percent}%, type "
                            "{percent}%; if you meant {value}%, type {value} again (or {value}%)."),
    "implausible_amount": N_("{value} in 10k yuan ({yi} hundred million yuan) is far more than an enterprise of this "
                             "size makes plausible (up to about {bound} in 10k yuan). If you typed {value} yuan, that "
                             "is {wan} in 10k yuan: type {wan}. If {value} in 10k yuan is right, type it again."),
    "implausible_number": N_("{value} is far more than is plausible here (up to about {bound}). If it is right, type "
                             "it again."),
    # yes/no, dates
    "not_yes_no": N_("Please answer yes or no."),
    "not_a_date": N_("Please enter a date such as 2024-03-11."),
    "not_a_year_month": N_("Please enter a year and month such as 2024-03."),
    "date_in_future": N_("The date cannot be later than today ({today})."),
    "date_too_early": N_("The date cannot be earlier than {min}."),
    "date_too_late": N_("The date cannot be later than {max}."),
    "no_such_day": N_("There is no such day: {date}. Please check the month and the day."),
    "end_not_after_start": N_("The end must be after the start ({start})."),
    # contact details and codes
    "mobile_wrong_length": N_("A mobile number has 11 digits; this one has {length}."),
    "mobile_bad_prefix": N_("A mobile number starts with 13–19."),
    "not_a_mobile": N_("Please enter a mobile number: 11 digits starting with 1, e.g. 13812345678."),
    "mobile_got_landline": N_("This looks like a landline (it starts with an area code); this question asks for a "
                              "mobile number: 11 digits starting with 1."),
    "landline_wrong_length": N_("Numbers in area {area} have {digits} digits after the area code; this one has "
                                "{length}. Please check it."),
    "not_a_person_name": N_("Please type a person's name: letters only, no digits or signs, e.g. Zhang Wei."),
    "not_a_phone": N_("Please enter a mobile number (11 digits) or a landline with area code, e.g. 0571-85257095."),
    "landline_bad_format": N_("Please enter a landline with its area code, e.g. 0571-85257095."),
    "not_an_email": N_("Please enter an e-mail address such as name@example.com."),
    "postal_code_bad_format": N_("A postal code has exactly 6 digits."),
    "credit_code_wrong_length": N_("A unified social credit code has 18 characters; this one has {length}."),
    "credit_code_bad_character": N_("Character {position} (“{char}”) cannot appear in a unified social credit code."),
    "credit_code_bad_region": N_(
        "Characters 3–8 of a unified social credit code are the area code and must be digits."
    ),
    "credit_code_bad_checksum": N_(
        "This code does not add up: at least one character is wrong. Please check the whole code against the "
        "business licence."
    ),
    "credit_code_check_outside_org": N_(
        "This code does not add up: one of characters 1–8 or the last character looks wrong. Please check them "
        "against the business licence."
    ),
    # text
    "text_empty": N_("Please type an answer."),
    "text_invisible": N_("Nothing of this answer can be seen (only invisible or formatting characters): please "
                         "type it in words."),
    "text_too_short": N_("Please write at least {min} characters (now {length})."),
    "text_too_long": N_("Please keep it within {max} characters (now {length})."),
}
