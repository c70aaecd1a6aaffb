# Every third-party dependency, found once, with the minimum version we build against.
# All come from Debian 12 packages (scripts/install-deps); nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(tl-expected 1.0 REQUIRED)
find_package(tomlplusplus 3.3 REQUIRED)
find_package(fmt 9.1 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(date 3.0 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(ZLIB 1.2 REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)  # DKIM signatures
pkg_check_modules(OPENDKIM REQUIRED IMPORTED_TARGET opendkim)  # tests verify DKIM signatures offline
find_package(absl REQUIRED)  # flat hash maps on the clustering hot path
find_package(pugixml 1.13 REQUIRED)  # the fast path of feed parsing (libxml2 recovers the rest)
find_package(prometheus-cpp REQUIRED)  # /metrics: families and the text format (core only; 1.0 in Debian 12)

pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl>=7.88)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0>=2.9.14)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3>=3.40)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq>=13)  # the PostgreSQL store (libpq itself, not libpqxx)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)  # HTTP clients and fixture servers in tests and benches
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash>=0.8)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc>=72)
pkg_check_modules(PSL REQUIRED IMPORTED_TARGET libpsl>=0.21)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)  # beat rules
pkg_check_modules(UCHARDET REQUIRED IMPORTED_TARGET uchardet>=0.0.7)

find_library(STEMMER_LIBRARY NAMES stemmer REQUIRED)
find_path(STEMMER_INCLUDE_DIR NAMES libstemmer.h REQUIRED)
add_library(newsdesk_stemmer INTERFACE)
target_link_libraries(newsdesk_stemmer INTERFACE ${STEMMER_LIBRARY})
target_include_directories(newsdesk_stemmer SYSTEM INTERFACE ${STEMMER_INCLUDE_DIR})

# The site's server: standalone Asio (header-only) with nodejs's http-parser (no .pc).
find_library(HTTP_PARSER_LIBRARY NAMES http_parser REQUIRED)
find_path(HTTP_PARSER_INCLUDE_DIR NAMES http_parser.h REQUIRED)
find_path(ASIO_INCLUDE_DIR NAMES asio.hpp REQUIRED)

find_library(CLD2_LIBRARY NAMES cld2 REQUIRED)
find_path(CLD2_INCLUDE_DIR NAMES cld2/public/compact_lang_det.h REQUIRED)
add_library(newsdesk_cld2 INTERFACE)
target_link_libraries(newsdesk_cld2 INTERFACE ${CLD2_LIBRARY})
target_include_directories(newsdesk_cld2 SYSTEM INTERFACE ${CLD2_INCLUDE_DIR})

# Snowball's stopword lists of 13 languages: Lingua::StopWords (Debian's
# liblingua-stopwords-perl) is read at build time by src/text/stopword_lists.pl.
find_package(Perl REQUIRED)
execute_process(COMMAND ${PERL_EXECUTABLE} -MLingua::StopWords -e 1 RESULT_VARIABLE LINGUA_STOPWORDS_MISSING
                OUTPUT_QUIET ERROR_QUIET)
if(LINGUA_STOPWORDS_MISSING)
  message(FATAL_ERROR "Perl's Lingua::StopWords is missing: install liblingua-stopwords-perl (scripts/install-deps does)")
endif()

find_path(MUSTACHE_INCLUDE_DIR NAMES kainjow/mustache.hpp REQUIRED)
add_library(newsdesk_mustache INTERFACE)
target_include_directories(newsdesk_mustache SYSTEM INTERFACE ${MUSTACHE_INCLUDE_DIR})

# The allocator the shipped binary and the benchmarks run on: mimalloc (Debian's
# libmimalloc-dev) replaces glibc's malloc for the whole process when linked.
# libxml2 builds a node per element and frees them all per page; extraction
# spent a fifth of its time in glibc's malloc/free, and mimalloc cuts that
# (bench/README.md). Left out of the sanitizer builds: ASan and TSan bring
# their own allocator.
add_library(newsdesk_allocator INTERFACE)
if(NOT NEWSDESK_SANITIZE AND NOT NEWSDESK_TSAN)
  find_package(mimalloc 2.0 REQUIRED)
  target_link_libraries(newsdesk_allocator INTERFACE mimalloc)
endif()

# newsdesk_module(NAME SOURCES... DEPS ...) declares one module library of src/.
function(newsdesk_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(newsdesk_${name} STATIC ${M_SOURCES})
  target_include_directories(newsdesk_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(newsdesk_${name} PUBLIC ${M_DEPS}
                        PRIVATE newsdesk_warnings newsdesk_sanitizers)
endfunction()
