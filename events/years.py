"""The years an event may take place in (1900-2200; events.validation says why), below both the
recurrence rules (which must give dates within them) and the checks that use those rules."""

from datetime import datetime

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# The naive (local) instants the bounds allow, for comparisons with datetimes.
EARLIEST = datetime(EARLIEST_YEAR, 1, 1)
LATEST = datetime(LATEST_YEAR, 12, 31, 23, 59, 59)
