# Writes the package's /etc/newsdesk/newsdesk.toml from the project's example
# configuration (every key with its default and its comments), with the store
# in /var/lib/newsdesk, the services' state folder.
#   cmake -DEXAMPLE=newsdesk.example.toml -DOUT=newsdesk.toml -P packaging/conffile.cmake
file(READ "${EXAMPLE}" text)

set(store_line "path = \"newsdesk.db\"")
string(FIND "${text}" "[store]\n${store_line}\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${EXAMPLE}: no '[store]' followed by '${store_line}'; "
                      "packaging/conffile.cmake must learn where the store's path is")
endif()
string(REPLACE "[store]\n${store_line}\n" "[store]\npath = \"/var/lib/newsdesk/newsdesk.db\"  # the package's; built in: newsdesk.db in the working folder\n" text "${text}")

# The example's advice on where to copy it is for a clone, not for the package.
string(REGEX REPLACE "^(# newsdesk configuration[^\n]*\n)# Copy to[^\n]*\n" "\\1" text "${text}")
set(header [=[# /etc/newsdesk/newsdesk.toml: the configuration newsdesk.service and
# newsdesk-worker@.service read (newsdesk --config /etc/newsdesk/newsdesk.toml).
# Read once at start: `systemctl restart newsdesk` after a change. All keys:
# /usr/share/doc/newsdesk/docs/configuration.md and newsdesk(1).
# The services write only /var/lib/newsdesk. Keep secrets (an SMTP password,
# a DKIM key) in files of their own that the newsdesk user can read, e.g.
# /etc/newsdesk/smtp-password owned root:newsdesk, mode 0640.
#
]=])
file(WRITE "${OUT}" "${header}${text}")
