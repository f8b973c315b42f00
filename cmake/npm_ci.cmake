# Installs the npm packages pinned in a folder's package-lock.json into a
# build directory, with `npm ci` (exact versions, lockfile checked, no
# install scripts). Run as a script:
#   cmake -DNPM=/usr/bin/npm -DSRC=web -DDEST=build/web -DWHAT="uPlot for the HTML report" -P npm_ci.cmake
# Fails with a message that says what needed the packages and how to do without.
cmake_minimum_required(VERSION 3.22)

file(MAKE_DIRECTORY "${DEST}")
file(COPY_FILE "${SRC}/package.json" "${DEST}/package.json" ONLY_IF_DIFFERENT)
file(COPY_FILE "${SRC}/package-lock.json" "${DEST}/package-lock.json" ONLY_IF_DIFFERENT)
# Puppeteer must never download a browser; the tests use the system Chromium.
set(ENV{PUPPETEER_SKIP_DOWNLOAD} 1)
execute_process(
  COMMAND "${NPM}" ci --ignore-scripts --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY "${DEST}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed in ${DEST} (exit ${rc}). It fetches ${WHAT} from the npm "
                      "registry at the versions pinned in ${SRC}/package-lock.json. Check the network "
                      "or npm's registry settings, or configure with ${HINT}.")
endif()
