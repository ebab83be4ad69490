"""Talking with people: the channels.  telegram/ (aiogram 3) and console.py (the terminal) read input and show
what the service returns; the words come from bot/present.py and the catalogs, the typed-command grammar from
bot/present.py's COMMANDS, so both channels read typed words the same way."""
