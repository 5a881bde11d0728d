"""Views for events, one module per noun: personal ("My events"), registration, feeds (iCalendar),
organiser (event forms, attendees), imports (partner feeds); the calendar is its page's
(events.models.index). They parse input, ask events.permissions, call selectors or services and render;
a refused action (cop.errors.DomainError) becomes the refused page at the edge (cop.edge), or a message
on a form shown again."""
