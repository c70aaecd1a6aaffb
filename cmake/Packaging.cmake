# The Debian package (scripts/package builds it): install rules for the files
# a system of Debian 12 expects, and CPack's DEB generator. Off unless
# NEWSDESK_PACKAGE is on, so that the other builds need none of its tools.
#
#   /usr/bin/newsdesk                                     the binary (stripped)
#   /etc/newsdesk/newsdesk.toml                           conffile: newsdesk.example.toml, store in /var/lib/newsdesk
#   /var/lib/newsdesk                                     the store; newsdesk:newsdesk 0750 (postinst)
#   /lib/systemd/system/newsdesk.service                  newsdesk serve, hardened
#   /lib/systemd/system/newsdesk-worker@.service          extra workers
#   /usr/share/man/man1/newsdesk.1.gz                     from --help (packaging/gen-manpage)
#   /usr/share/doc/newsdesk/{copyright,changelog.gz,docs/}
#   /usr/share/newsdesk/sample/                           the sample news web, for `newsdesk demo`
#   /usr/share/lintian/overrides/newsdesk                 lintian's notes that do not apply, with reasons
option(NEWSDESK_PACKAGE "Install rules and CPack's Debian package (scripts/package)" OFF)
if(NOT NEWSDESK_PACKAGE)
  return()
endif()

set(NEWSDESK_PACKAGE_SAMPLE_DIR "${CMAKE_INSTALL_PREFIX}/share/newsdesk/sample")
if(NOT NEWSDESK_SAMPLE_DIR STREQUAL NEWSDESK_PACKAGE_SAMPLE_DIR)
  message(FATAL_ERROR "NEWSDESK_PACKAGE: configure with -DNEWSDESK_SAMPLE_DIR=${NEWSDESK_PACKAGE_SAMPLE_DIR}, "
                      "where the package installs the sample news web (scripts/package does)")
endif()

find_program(HELP2MAN_PROGRAM help2man REQUIRED)  # the man page
find_program(GZIP_PROGRAM gzip REQUIRED)
find_program(DPKG_SHLIBDEPS_PROGRAM dpkg-shlibdeps REQUIRED)  # dpkg-dev: CPack's dependencies
find_program(DPKG_PARSECHANGELOG_PROGRAM dpkg-parsechangelog REQUIRED)

set(packaging_src ${PROJECT_SOURCE_DIR}/packaging)
set(packaging_out ${PROJECT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${packaging_out})

# The changelog's latest entry is the package's version: a new project VERSION
# needs an entry of its own.
execute_process(COMMAND ${DPKG_PARSECHANGELOG_PROGRAM} -l ${packaging_src}/deb/changelog -S Version
                OUTPUT_VARIABLE changelog_version OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
if(NOT changelog_version STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "packaging/deb/changelog's latest entry is ${changelog_version}, the project is "
                      "${PROJECT_VERSION}: add an entry for ${PROJECT_VERSION} (dch -v ${PROJECT_VERSION})")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${packaging_src}/deb/changelog)

# Made at build time: the man page from the built binary's --help, the
# conffile from the example, and the gzipped changelog (gzip -n: no name or
# time stamp, as lintian wants).
add_custom_command(OUTPUT ${packaging_out}/newsdesk.1.gz
  COMMAND ${packaging_src}/gen-manpage $<TARGET_FILE:newsdesk> ${packaging_out}/newsdesk.1
  COMMAND ${GZIP_PROGRAM} -9nf ${packaging_out}/newsdesk.1
  DEPENDS newsdesk ${packaging_src}/gen-manpage
  COMMENT "Writing the man page newsdesk(1) from newsdesk --help" VERBATIM)
add_custom_command(OUTPUT ${packaging_out}/newsdesk.toml
  COMMAND ${CMAKE_COMMAND} -DEXAMPLE=${PROJECT_SOURCE_DIR}/newsdesk.example.toml
          -DOUT=${packaging_out}/newsdesk.toml -P ${packaging_src}/conffile.cmake
  DEPENDS ${PROJECT_SOURCE_DIR}/newsdesk.example.toml ${packaging_src}/conffile.cmake VERBATIM)
add_custom_command(OUTPUT ${packaging_out}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E copy ${packaging_src}/deb/changelog ${packaging_out}/changelog
  COMMAND ${GZIP_PROGRAM} -9nf ${packaging_out}/changelog
  DEPENDS ${packaging_src}/deb/changelog VERBATIM)
add_custom_target(newsdesk_package_files ALL
  DEPENDS ${packaging_out}/newsdesk.1.gz ${packaging_out}/newsdesk.toml ${packaging_out}/changelog.gz)

install(TARGETS newsdesk RUNTIME DESTINATION bin)
# Stripped as dh_strip does: no symbols, no compiler's .comment (lintian).
install(CODE "execute_process(COMMAND \"${CMAKE_STRIP}\" --remove-section=.comment --remove-section=.note
                              \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin/newsdesk\" COMMAND_ERROR_IS_FATAL ANY)")
install(FILES ${packaging_out}/newsdesk.toml DESTINATION /etc/newsdesk)
install(DIRECTORY DESTINATION /var/lib/newsdesk)
install(FILES ${packaging_src}/newsdesk.service ${packaging_src}/newsdesk-worker@.service
        DESTINATION /lib/systemd/system)
install(FILES ${packaging_out}/newsdesk.1.gz DESTINATION share/man/man1)
install(FILES ${packaging_src}/deb/copyright ${packaging_out}/changelog.gz DESTINATION share/doc/newsdesk)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/newsdesk/docs FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sample/ DESTINATION share/newsdesk/sample)
install(FILES ${packaging_src}/deb/lintian-overrides DESTINATION share/lintian/overrides RENAME newsdesk)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME newsdesk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "newsdesk maintainers <maintainers@newsdesk.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hosted news desk and daily headlines newsletter")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION [=[newsdesk reads many outlets' feeds and pages, extracts each article, finds
which articles cover the same story, ranks the day's top stories for a beat,
publishes them on a web site and mails the daily edition to its subscribers.
.
This package runs the desk as the systemd service newsdesk.service on one
machine (SQLite), with extra workers as newsdesk-worker@.service; several
machines share one PostgreSQL database.]=])
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # newsdesk_VERSION_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")  # postinst; the libraries' from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${packaging_src}/deb/conffiles ${packaging_src}/deb/postinst ${packaging_src}/deb/prerm ${packaging_src}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR})
include(CPack)
