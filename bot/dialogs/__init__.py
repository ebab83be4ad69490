"""Talking with people: the channels.  telegram/ (aiogram 3) and console.py (the terminal) read input and render
the Turn the service builds for each input (bot/service/turn.py); typed words are read by one grammar for every
channel (commands.py); the words shown come from bot/present.py and the catalogs."""
