# One image for callstream's services, built from this repository; the service is the command:
#   callstream ingest | processor | connect <worker.properties> | registry
# Java 25 at run time (the classes target 25), so Connect runs from this image too, on Apache
# Kafka's connect-runtime, with the plugin (converter + sinks) on its class path.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -Denforcer.skip=false -pl platform -am install \
 && mkdir -p /app/lib \
 && cp platform/target/platform-*.jar /app/lib/ \
 && cp $(cat platform/target/runtime-classpath.txt | tr ':' ' ') /app/lib/

FROM eclipse-temurin:25-jre
RUN useradd --system --home /app callstream && mkdir -p /app/data && chown callstream /app/data
COPY --from=build /app/lib /app/lib
COPY deploy/connect/worker.properties /app/connect/worker.properties
USER callstream
WORKDIR /app
ENV JAVA_TOOL_OPTIONS="-XX:+UseParallelGC -XX:MaxRAMPercentage=75 -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.callstream --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.callstream.platform.CallstreamCommand"]
CMD ["--help"]
