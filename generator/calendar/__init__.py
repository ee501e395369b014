"""The editorial calendar: recurrence of key dates and slots, schedule checks, iCalendar files."""
