# Script mode: writes OUT, a C++ file defining
# qmd::events::embedded_migrations() (BACKEND sqlite) or
# qmd::events::embedded_postgresql_migrations() (BACKEND postgresql).
separate_arguments(_files UNIX_COMMAND "${SQL_FILES}")
set(_body "")
foreach(_f IN LISTS _files)
  get_filename_component(_name ${_f} NAME)
  string(REGEX MATCH "^[0-9]+" _num ${_name})
  math(EXPR _num "${_num} + 0")
  file(READ ${_f} _sql)
  string(APPEND _body "    {${_num}, \"${_name}\", R\"qmdsql(${_sql})qmdsql\"},\n")
endforeach()
if(BACKEND STREQUAL "postgresql")
  set(_fn embedded_postgresql_migrations)
else()
  set(_fn embedded_migrations)
endif()
file(WRITE ${OUT} "// Generated from migrations/${BACKEND}/*.sql; do not edit.\n#include <vector>\n#include \"events/migrations.h\"\nnamespace qmd::events {\nconst std::vector<Migration>& ${_fn}() {\n  static const std::vector<Migration> m = {\n${_body}  };\n  return m;\n}\n}  // namespace qmd::events\n")
