// SMTP servers for the end-to-end tests, each a real process on 127.0.0.1:
// Postfix's smtp-sink, tests/support/smtp_server.py (aiosmtpd) and
// tests/support/smtp_fault_server.py (misbehaves on demand).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "mail/smtp.hpp"

#ifndef NEWSDESK_TESTS_DIR
#define NEWSDESK_TESTS_DIR "tests"
#endif

namespace smtp_servers {
namespace fs = std::filesystem;

// A server process started by a shell command, its port read from a file.
struct Server {
  fs::path dir;
  int pid = 0;
  int port = 0;
  Server(const std::string& name, const std::function<std::string(const fs::path&, const fs::path&, const fs::path&)>& command) {
    dir = fs::temp_directory_path() / fmt::format("newsdesk-smtp-{}-{}", name, ::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir / "mail");
    fs::permissions(dir / "mail", fs::perms::all);  // smtp-sink writes as nobody
    fs::path pid_file = dir / "pid", port_file = dir / "port";
    std::string shell = command(dir / "mail", port_file, pid_file);
    EXPECT_EQ(std::system(shell.c_str()), 0) << shell;
    for (int i = 0; i < 1200 && !(fs::exists(port_file) && fs::exists(pid_file)); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::ifstream(pid_file) >> pid;
    std::ifstream(port_file) >> port;
  }
  ~Server() {
    if (pid > 0) ::kill(pid, SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    fs::remove_all(dir);
  }
  size_t stored() const {
    size_t n = 0;
    for (const auto& f : fs::directory_iterator(dir / "mail")) n += f.is_regular_file() ? 1 : 0;  // the fault server's .incoming/ is a folder
    return n;
  }
};

inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

// A relay on 127.0.0.1 without TLS, as the test servers are.
inline newsdesk::mail::SmtpOptions plaintext(int port, int timeout_ms) {
  newsdesk::mail::SmtpOptions o;
  o.port = port;
  o.helo_name = "newsdesk.test";
  o.timeouts = newsdesk::mail::SmtpTimeouts(std::chrono::milliseconds(timeout_ms));
  o.tls = newsdesk::mail::TlsMode::kNone;
  return o;
}

// The same relay as [mail.relays.NAME] sees it: plaintext on 127.0.0.1.
inline newsdesk::core::RelayConfig plaintext_relay(const std::string& name, int port, int timeout_seconds,
                                                   int connections = 4, double messages_per_second = 0) {
  newsdesk::core::RelayConfig relay;
  relay.name = name;
  relay.port = port;
  relay.tls = "none";
  relay.timeout_seconds = timeout_seconds;
  relay.connections = connections;
  relay.messages_per_second = messages_per_second;
  return relay;
}

// aiosmtpd (tests/support/smtp_server.py): keeps every message it accepts.
inline Server aiosmtpd(const std::string& name) {
  return Server(name, [](const fs::path& mail, const fs::path& port_file, const fs::path& pid_file) {
    return fmt::format("(/usr/bin/python3 '{}/support/smtp_server.py' '{}' '{}' & echo $! > '{}') >/dev/null 2>&1",
                       NEWSDESK_TESTS_DIR, mail.string(), port_file.string(), pid_file.string());
  });
}

// The fault server with `options` (see its usage text), its pid and port in files.
inline Server fault_server(const std::string& name, const std::string& options) {
  return Server(name, [&](const fs::path& mail, const fs::path& port_file, const fs::path& pid_file) {
    return fmt::format("(/usr/bin/python3 '{}/support/smtp_fault_server.py' '{}' '{}' --pidfile '{}' {} &) >/dev/null 2>&1",
                       NEWSDESK_TESTS_DIR, mail.string(), port_file.string(), pid_file.string(), options);
  });
}

}  // namespace smtp_servers
