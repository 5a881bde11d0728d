"""The forum pages, one module per domain noun (boards, threads, posts, moderation, following,
notifications; access holds what they share). Thin views: read through selectors, write through
services. A refused action (forums.exceptions) becomes the refused page at the edge (cop.edge), or a
message on a form shown again. Every page works without JavaScript."""
