"""The service: the engine and the database together, for every channel.

sessions.py (open, apply, review, submit; the per-worker cache that the database checks before every update;
one editor at a time), turn.py (one input applied, and the Turn every channel renders), helpdesk.py (resume
codes, staff, find/take/hand back/reopen, erasing a person), reports.py (a session's documents and the district
table, rendered off the event loop), contracts.py (service contracts drafted from a submitted filing).  Channels
(bot/dialogs/) call these and never query the database themselves.
"""
