package dev.weir.examples.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.weir.bench.NexmarkRun;
import dev.weir.coordinator.JobResult;

/**
 * Every implemented query at 200,000 events, with worker processes and in process, at parallelism
 * 1 and 2, checkpointing every 200 ms: the committed rows and digest equal the spec's table
 * (../shared/bench/nexmark.md §3, which Flink and the spec's reference agree on) and this test's
 * own brute-force computation ({@link NexmarkReference}).
 */
class NexmarkQueriesIT {

    private static final long EVENTS = 200_000;
    /** The spec's expected results at 200,000 events. */
    private static final Map<String, NexmarkReference.Expected> SPEC = Map.of(
            "events", new NexmarkReference.Expected(200_000, "da22a1fb7296a46e"),
            "q0", new NexmarkReference.Expected(184_000, "2dfe2e23fd8cfcdc"),
            "q1", new NexmarkReference.Expected(184_000, "4a8450750c7443ee"),
            "q2", new NexmarkReference.Expected(1533, "5519e9c2a98f8870"),
            "q3", new NexmarkReference.Expected(1347, "75ad248f2c0f6b0b"),
            "q5", new NexmarkReference.Expected(14, "0b804d85a8894b5f"),
            "q7", new NexmarkReference.Expected(2, "8e2f173be4481bb8"),
            "q8", new NexmarkReference.Expected(1778, "b40d649a48ef7fcf"),
            "q11", new NexmarkReference.Expected(3919, "46dc6c0104767100"));
    private static final Map<String, NexmarkReference.Expected> BRUTE_FORCE = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @Test
    void bruteForceAgreesWithTheSpecsTable() {
        SPEC.forEach((query, expected) -> assertThat(bruteForce(query)).as(query).isEqualTo(expected));
    }

    @ParameterizedTest(name = "{0} {1} p={2}")
    @CsvSource({
            "events, IN_PROCESS, 1", "events, IN_PROCESS, 2", "events, WORKERS, 1", "events, WORKERS, 2",
            "q0, IN_PROCESS, 1", "q0, IN_PROCESS, 2", "q0, WORKERS, 1", "q0, WORKERS, 2",
            "q1, IN_PROCESS, 1", "q1, IN_PROCESS, 2", "q1, WORKERS, 1", "q1, WORKERS, 2",
            "q2, IN_PROCESS, 1", "q2, IN_PROCESS, 2", "q2, WORKERS, 1", "q2, WORKERS, 2",
            "q3, IN_PROCESS, 1", "q3, IN_PROCESS, 2", "q3, WORKERS, 1", "q3, WORKERS, 2",
            "q5, IN_PROCESS, 1", "q5, IN_PROCESS, 2", "q5, WORKERS, 1", "q5, WORKERS, 2",
            "q7, IN_PROCESS, 1", "q7, IN_PROCESS, 2", "q7, WORKERS, 1", "q7, WORKERS, 2",
            "q8, IN_PROCESS, 1", "q8, IN_PROCESS, 2", "q8, WORKERS, 1", "q8, WORKERS, 2",
            "q11, IN_PROCESS, 1", "q11, IN_PROCESS, 2", "q11, WORKERS, 1", "q11, WORKERS, 2"})
    void queryCommitsTheSpecsRowsAndDigest(String query, NexmarkRun.Mode mode, int parallelism) throws Exception {
        NexmarkRun.Outcome outcome = NexmarkRun.run(NexmarkRun.Settings.of(query, EVENTS, parallelism, mode)
                .withCheckpointInterval(200)
                .withWorkers(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), false), dir);

        assertThat(outcome.result().state()).as("%s", outcome.result().failure()).isEqualTo(JobResult.JobState.FINISHED);
        DigestResult digest = outcome.digest();
        assertThat(digest).isNotNull();
        assertThat(digest.complete()).as("committed at the final checkpoint").isTrue();
        assertThat(digest.parallelism()).isEqualTo(parallelism);
        NexmarkReference.Expected committed = new NexmarkReference.Expected(digest.rows(), digest.digest());
        assertThat(committed).as("the spec's table").isEqualTo(SPEC.get(query));
        assertThat(committed).as("brute force").isEqualTo(bruteForce(query));
    }

    static NexmarkReference.Expected bruteForce(String query) {
        return BRUTE_FORCE.computeIfAbsent(query, q -> NexmarkReference.compute(q, EVENTS));
    }
}
