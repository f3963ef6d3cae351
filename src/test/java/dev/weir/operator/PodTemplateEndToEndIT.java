package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.testing.EmbeddedPostgres;
import dev.weir.testing.KeyedCountVerifier;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * What {@code k8s-examples/kafka-to-postgres.yaml} relies on: the database credentials reach the
 * workers only through the pod template's {@code envFrom} (a Secret), and a job writing into
 * PostgreSQL as a password-protected role finishes with its rows committed exactly once.
 */
class PodTemplateEndToEndIT {

    private static final long RECORDS = 20_000;
    private static final long KEYS = 100;

    @TempDir
    Path dir;

    @Test
    void envFromOfTheTemplatesWorkerContainerGivesTheWorkersTheDatabaseCredentials() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        String url = postgres.createDatabase("pod_template");
        try (Connection connection = EmbeddedPostgres.connect(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE keyed_count (key BIGINT NOT NULL, count BIGINT NOT NULL, sum BIGINT NOT NULL)");
        }
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, OperatorEndToEndIT.loopback(0))) {
            fixture.env.client.resource(new SecretBuilder().withNewMetadata().withName("weir-postgres")
                    .withNamespace(NAMESPACE).endMetadata().withStringData(Map.of(
                            "WEIR_JDBC_USER", EmbeddedPostgres.PASSWORD_USER,
                            "WEIR_JDBC_PASSWORD", EmbeddedPostgres.PASSWORD)).build()).create();
            StreamJob job = OperatorTestEnv.job("to-postgres", 2);
            job.getSpec().getStorage().setEndpoint(fixture.s3.endpoint());
            job.getSpec().getJob().setArgs(new LinkedHashMap<>(Map.of("records", Long.toString(RECORDS),
                    "keys", Long.toString(KEYS), "output", url + "?table=keyed_count&mode=2pc")));
            job.getSpec().getCheckpointing().setIntervalMs(200);
            job.getSpec().setPodTemplate(Map.of("spec", Map.of("containers", List.of(Map.of("name", "worker",
                    "envFrom", List.of(Map.of("secretRef", Map.of("name", "weir-postgres"))))))));
            fixture.env.create(job);

            fixture.await("to-postgres", () -> fixture.status("to-postgres").getPhase() == JobPhase.Finished
                    || fixture.status("to-postgres").getPhase() == JobPhase.Failed, Duration.ofSeconds(180));
            assertThat(fixture.status("to-postgres").getPhase()).as("%s", fixture.status("to-postgres").getError())
                    .isEqualTo(JobPhase.Finished);
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(rows(url), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    private static List<String> rows(String url) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = EmbeddedPostgres.connect(url); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT key || ',' || count || ',' || sum FROM keyed_count")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
