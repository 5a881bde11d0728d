"""Case-study libraries (issue #12): good practices, lessons learned and building blocks, with
traditional knowledge shared only under free, prior and informed consent (cop.library.permissions)."""
