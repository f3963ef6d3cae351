# The one Weir image, with two class paths side by side:
#   /opt/weir/operator  the operator: the Quarkus app (target/quarkus-app); the default command.
#   /opt/weir/worker    the worker: weir.jar and the worker's own jars (target/worker/lib, about 30:
#                       the runtime and the connectors' client libraries). Worker pods run
#                       java -cp /opt/weir/worker/weir.jar:/opt/weir/worker/lib/* dev.weir.runtime.worker.WorkerMain
#                       (the operator writes that command into each pod).
# `weir local` and its embedded S3 store (S3Proxy, Jetty, the AWS SDK) are not in the image.
#
# Build the jars first, then the image:
#   mvn -B -DskipTests package
#   docker build -t weir:0.1.0 .
# BASE_IMAGE is any image with a Java 17 runtime as `java` on PATH; the default is pulled from a
# registry. The image test (dev.weir.operator.OperatorImageIT) builds with podman on a Debian
# bookworm + openjdk-17-jre-headless image made by .ci/base-image.
#
# Your own jobs: never copy jars into /opt/weir/worker/lib (that is Weir's class path). Name the
# jar in the StreamJob as spec.job.jarURI: s3://bucket/path/job.jar (each worker downloads it), or
# a jar baked into an image derived from this one, with spec.image set to that image:
#   FROM weir:0.1.0
#   COPY target/my-job.jar /opt/jobs/my-job.jar
# and spec.job.jarURI: local:///opt/jobs/my-job.jar. The operator never loads job classes, so it
# keeps running from this image.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

RUN groupadd --gid 10001 weir && useradd --uid 10001 --gid weir --no-create-home --shell /usr/sbin/nologin weir

# Least-changing layers first: third-party jars, then Weir's own.
COPY target/worker/lib/ /opt/weir/worker/lib/
COPY target/quarkus-app/ /opt/weir/operator/
COPY target/weir.jar /opt/weir/worker/weir.jar

# Numeric user: the "restricted" Pod Security Standard checks runAsNonRoot against it.
USER 10001:10001
WORKDIR /tmp

# Default: the operator. Worker pods set their own command (see above).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/weir/operator/quarkus-run.jar"]
