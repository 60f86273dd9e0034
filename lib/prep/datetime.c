#include "prep/datetime.h"

int64_t rs_days_from_civil(int64_t y, int m, int d)
{
    /* Count from 0000-03-01 so the leap day ends the year, in 400-year eras
     * of 146097 days; 719468 is the day number of 1970-01-01 on that count. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if ((unsigned)(s[k] - '0') > 9) return -1;
        v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return 0;
}

int rs_parse_datetime(const char *s, size_t n, int64_t *out)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d, hh = 0, mi = 0, ss = 0;
    if (n && s[n - 1] == 'Z') n--;
    if (n != 10 && n != 16 && n != 19) return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (n > 10) {
        if ((s[10] != ' ' && s[10] != 'T') || digits(s + 11, 2, &hh) || s[13] != ':' ||
            digits(s + 14, 2, &mi))
            return -1;
        if (n == 19 && (s[16] != ':' || digits(s + 17, 2, &ss))) return -1;
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap) ||
        hh > 23 || mi > 59 || ss > 59)
        return -1;
    *out = rs_days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss;
    return 0;
}
