// Verifying DKIM signatures offline with libopendkim, the key read from a
// file as a DNS TXT record would give it (DKIM_QUERY_FILE): for the tests.
#pragma once

// libopendkim's header is C99: it names _Bool.
#define _Bool bool
extern "C" {
#include <opendkim/dkim.h>
}
#undef _Bool

#include <string>

// libopendkim's verdict on `message` (CRLF line ends), the key published as
// `dns_txt` for s1._domainkey.news.example. DKIM_STAT_OK when it verifies;
// otherwise the reason goes to stderr.
DKIM_STAT verify(const std::string& message, const std::string& dns_txt);
