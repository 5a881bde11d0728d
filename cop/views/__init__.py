"""Front-end views of the communities, one module per domain noun (communities, management,
announcements, invitations, profiles; access holds what they share): thin, they ask
cop.permissions, read through cop.selectors and write through cop.services; a refused action
(cop.errors.DomainError) becomes the refused page at the edge (cop.edge)."""
