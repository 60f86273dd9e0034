/* datetime.h: calendar dates to Unix seconds, for rating files that give
 * their timestamps as date-times (the Kaggle copy of ml-20m). */
#ifndef RS_DATETIME_H
#define RS_DATETIME_H
#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a date in the proleptic Gregorian calendar. */
int64_t rs_days_from_civil(int64_t y, int m, int d);
/* "YYYY-MM-DD[ HH:MM[:SS]]" ('T' may replace the space, a final 'Z' is
 * allowed), read as UTC, to Unix seconds.  0 or -1 if it is not one. */
int rs_parse_datetime(const char *s, size_t n, int64_t *out);

#endif
