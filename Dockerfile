# The one Weir image: the operator (Quarkus, /opt/weir/operator) and the worker / `weir local`
# (plain Java, /opt/weir/weir.jar + lib/). Build the jars first:  mvn -B -DskipTests package
#   docker build -t weir:0.1.0 .
# User jobs: FROM weir:0.1.0, then COPY your jar into /opt/weir/lib/ (the operator builds the
# job's graph too, so run the operator from that image as well).
FROM eclipse-temurin:17-jre

RUN groupadd --gid 10001 weir && useradd --uid 10001 --gid weir --no-create-home --shell /usr/sbin/nologin weir

COPY target/lib/ /opt/weir/lib/
COPY target/weir.jar /opt/weir/weir.jar
COPY target/quarkus-app/ /opt/weir/operator/

# Numeric user: the "restricted" Pod Security Standard checks runAsNonRoot against it.
USER 10001:10001
WORKDIR /tmp
ENV WEIR_JAVA_OPTS="-XX:MaxRAMPercentage=75"

# Default: the operator. Worker pods set their own command (java -cp ... WorkerMain).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/weir/operator/quarkus-run.jar"]
