"""Writes of the practitioner network, one module per noun: profiles (and the contact relay),
organisations, exchange (needs and offers), matches."""
