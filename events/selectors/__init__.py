"""Reads for events, one module per noun: calendar (the listings: upcoming, past, month, week, a
community's), event_page (what an event page shows), registrations (a user's, an occurrence's
attendees) and feeds (what the iCalendar feeds list). Every list goes through events.permissions so that
members-only events stay with the members; query counts do not grow with the number of events.

calendar, event_page and registrations import the model modules they read (events.models.occurrences,
.registration), never events.models.pages, so the page models may call them."""
