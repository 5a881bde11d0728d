"""Import of partners' iCalendar feeds into a community's calendar.

Fetching is guarded (http/https only, a timeout and an overall time limit, a size limit, no private,
loopback or link-local address after DNS resolution, redirects re-checked) and connects to the very
address it checked: the host is resolved once, and the connection goes to that address with the original
Host header and TLS server name, so a second DNS answer cannot point it elsewhere (DNS rebinding).

Parsing copes with what real feeds contain: a byte-order mark or invalid bytes, several VCALENDARs in one
file, unknown or custom time zones, floating times, missing or duplicate UIDs, moved occurrences, extra
dates (RDATE), rules that repeat for ever, thousands of events. A feed that is cut off, unterminated or
unreadable changes nothing; one bad event is skipped and named in the report with its reason.

Applying runs in a Celery task, in batches, each batch its own short transaction (a large feed never
holds the database's write lock for long); a retry matches events on UID and subscription, so it never
duplicates them. Events leave a subscription only when a complete, valid feed no longer has them, and a
run that would remove more than half of them holds the removals for the organiser to confirm.

The steps, one module each: download (the guarded fetch; events.feed_addresses says which hosts may be
fetched), parse and components (the feed, then each event in it, into items), apply (writing events in
batches), runs (a whole run, its report and the held removals); common holds their errors and settings."""
