# Sourced by ./mvnw, ./callstream and .ci/run (POSIX sh, since ./mvnw is): points JAVA_HOME at a
# JDK 25 or newer, keeping the one given if it already is; otherwise the default java if new enough,
# else Temurin 25's usual path.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
jdk_at_least_25() { major="$(java_major "$1" 2>/dev/null)"; [ -n "$major" ] && [ "$major" -ge 25 ]; }
if [ -z "${JAVA_HOME:-}" ] || ! jdk_at_least_25 "$JAVA_HOME/bin/java"; then
  if command -v java >/dev/null 2>&1 && jdk_at_least_25 java; then
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    echo "callstream needs JDK 25 or newer: set JAVA_HOME to one." >&2
    exit 1
  fi
  export JAVA_HOME
fi
