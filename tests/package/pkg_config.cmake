# Builds and runs SOURCE with only the flags `pkg-config --cflags anomaly` gives for the PREFIX install.
# Usage: cmake -DPKG_CONFIG=... -DPREFIX=... -DDATADIR=share -DCXX=... -DSOURCE=... -DOUTPUT=... -P pkg_config.cmake
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${DATADIR}/pkgconfig")
execute_process(COMMAND "${PKG_CONFIG}" --cflags anomaly OUTPUT_VARIABLE cflags
  OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
message(STATUS "pkg-config --cflags anomaly: ${cflags}")
string(FIND "${cflags}" "${PREFIX}/" at)
if(at EQUAL -1)  # the .pc file must point into the prefix it was installed to
  message(FATAL_ERROR "pkg-config flags do not point into ${PREFIX}")
endif()
separate_arguments(cflags UNIX_COMMAND "${cflags}")
execute_process(COMMAND "${CXX}" ${cflags} "${SOURCE}" -o "${OUTPUT}" COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND "${OUTPUT}" COMMAND_ERROR_IS_FATAL ANY)
