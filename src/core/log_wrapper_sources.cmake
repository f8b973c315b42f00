# Included by src/core/CMakeLists.txt: the log-wrapper unwrapper's sources for gcsight_core.
set(GCSIGHT_LOG_WRAPPER_SOURCES log_wrapper.cpp)
