"""Views for events, one module per noun: calendar, registration, feeds (iCalendar), organiser
(event forms, attendees), imports (partner feeds). They parse input, ask events.permissions, call
selectors or services and render; a refused action (cop.errors.DomainError) becomes the refused page at
the edge (cop.edge), or a message on a form shown again."""
