#include "dkim_verify.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

// libopendkim's verdict on `message`, the key published in a file.
DKIM_STAT verify(const std::string& message, const std::string& dns_txt) {
  auto keys = std::filesystem::temp_directory_path() / ("newsdesk-dkim-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(keys) << "s1._domainkey.news.example " << dns_txt << "\n";
  DKIM_LIB* lib = dkim_init(nullptr, nullptr);
  int method = DKIM_QUERY_FILE;
  dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &method, sizeof method);
  std::string path = keys.string();
  dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, path.data(), path.size());
  DKIM_STAT status = DKIM_STAT_OK;
  DKIM* dkim = dkim_verify(lib, reinterpret_cast<const unsigned char*>("test"), nullptr, &status);
  size_t end = message.find("\r\n\r\n");
  size_t pos = 0;
  while (pos < end + 2) {
    size_t next = pos;
    do {  // one field, its continuation lines included
      next = message.find("\r\n", next) + 2;
    } while (next < end + 2 && (message[next] == ' ' || message[next] == '\t'));
    std::string field = message.substr(pos, next - 2 - pos);
    dkim_header(dkim, reinterpret_cast<unsigned char*>(field.data()), field.size());
    pos = next;
  }
  dkim_eoh(dkim);
  std::string body = message.substr(end + 4);
  dkim_body(dkim, reinterpret_cast<unsigned char*>(body.data()), body.size());
  DKIM_STAT result = dkim_eom(dkim, nullptr);
  if (result != DKIM_STAT_OK) {
    const char* why = dkim_geterror(dkim);
    DKIM_SIGINFO* sig = dkim_getsignature(dkim);
    std::fprintf(stderr, "libopendkim: %d %s; signature error: %s\n", result, why ? why : "",
                 sig ? dkim_sig_geterrorstr(dkim_sig_geterror(sig)) : "none");
  }
  dkim_free(dkim);
  dkim_close(lib);
  std::filesystem::remove(keys);
  return result;
}

