# Installs the build tree BUILD_DIR into a fresh PREFIX and checks the files consumers rely on.
# Usage: cmake -DBUILD_DIR=... -DPREFIX=... -DINCLUDEDIR=include -DDATADIR=share -P install.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
  COMMAND_ERROR_IS_FATAL ANY)
foreach(file ${INCLUDEDIR}/anomaly/anomaly.hpp ${INCLUDEDIR}/anomaly/core/config.hpp
    ${DATADIR}/cmake/anomaly/anomalyConfig.cmake ${DATADIR}/cmake/anomaly/anomalyConfigVersion.cmake
    ${DATADIR}/cmake/anomaly/anomalyTargets.cmake ${DATADIR}/pkgconfig/anomaly.pc)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "cmake --install did not install ${file} under ${PREFIX}")
  endif()
endforeach()
