# Sourced by bin/ppfarm and scripts/bench.sh: sets and exports JAVA_HOME to a Java 25, found as ./mvnw finds its JDK
# ($JAVA_HOME if it is 25, else the first 25 under /usr/lib/jvm, Temurin first); exits 2 if there is none.
JAVA_VERSION=25
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME" 2>/dev/null)" != "$JAVA_VERSION" ]; then
  JAVA_HOME=
  for d in /usr/lib/jvm/temurin-$JAVA_VERSION-jdk-* /usr/lib/jvm/java-$JAVA_VERSION-* /usr/lib/jvm/*; do
    if [ -x "$d/bin/java" ] && [ "$(java_major "$d")" = "$JAVA_VERSION" ]; then JAVA_HOME=$d; break; fi
  done
  [ -n "$JAVA_HOME" ] || { echo "${0##*/}: no Java $JAVA_VERSION found under /usr/lib/jvm; install Temurin $JAVA_VERSION or set JAVA_HOME" >&2; exit 2; }
fi
export JAVA_HOME
