/* Relais portal behaviour (filters, copy buttons): filled in by the calendar and kits features. */
