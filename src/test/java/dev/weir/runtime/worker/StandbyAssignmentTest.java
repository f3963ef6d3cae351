package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointingMode;

/**
 * A standby worker's assignment: the same variables as a started worker's, as one line; what the
 * standby worker then runs with is what a worker started for that attempt reads; it waits for
 * the line, and gives up when its input ends or its coordinator's process is gone.
 */
class StandbyAssignmentTest {

    @Test
    void anAssignmentTravelsAsOneLineOfTheWorkersOwnVariables() {
        WorkerAssignment restoring = new WorkerAssignment(1, 7, "s3://weir/jobs/counts/checkpoints/chk-12");
        assertThat(restoring.toLine()).doesNotContain("\n").contains("\"WEIR_WORKER_INDEX\":\"1\"", "\"WEIR_ATTEMPT\":\"7\"",
                "\"WEIR_RESTORE_FROM\":\"s3://weir/jobs/counts/checkpoints/chk-12\"");
        assertThat(WorkerAssignment.fromLine(restoring.toLine())).isEqualTo(restoring);
        WorkerAssignment fresh = new WorkerAssignment(0, 1, null);
        assertThat(WorkerAssignment.fromLine(fresh.toLine())).isEqualTo(fresh);
        assertThatThrownBy(() -> WorkerAssignment.fromLine("{\"WEIR_ATTEMPT\":\"2\"}"))
                .hasMessage("WEIR_WORKER_INDEX is not set");
        assertThatThrownBy(() -> WorkerAssignment.fromLine("worker 1"))
                .hasMessageStartingWith("an assignment must be one JSON object of strings");
    }

    @Test
    void anAssignedStandbyWorkerRunsWithWhatAStartedWorkerOfThatAttemptReads() {
        WorkerAssignment assignment = new WorkerAssignment(1, 3, "/tmp/checkpoints/chk-4");
        WorkerEnvironment job = new WorkerEnvironment().job("counts", "dev.weir.examples.KeyedCountJob",
                        Map.of("records", "100"), 2, 128, CheckpointingMode.EXACTLY_ONCE)
                .coordinator("http://127.0.0.1:1").token("t").storage("/tmp/checkpoints", "base")
                .coordinatorProcess(42);
        Map<String, String> started = new HashMap<>(job.asText());
        started.putAll(assignment.writeTo(new WorkerEnvironment()).asText());
        Map<String, String> standby = job.standby().asText();

        WorkerConfig spare = WorkerConfig.forStandby(standby::get);
        assertThat(spare.worker()).isEqualTo(-1);
        assertThat(spare.assigned(assignment)).isEqualTo(WorkerConfig.fromEnvironment(started::get));
    }

    @Test
    void waitsForItsLine() throws Exception {
        PipedOutputStream deployer = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(deployer);
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(200);
                deployer.write((new WorkerAssignment(0, 2, null).toLine() + "\n").getBytes(StandardCharsets.UTF_8));
                deployer.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        assertThat(StandbyAssignment.await(in, ProcessHandle.current().pid())).contains(new WorkerAssignment(0, 2, null));
        writer.join();
    }

    @Test
    void noAssignmentWhenItsInputEnds() throws Exception {
        assertThat(StandbyAssignment.await(new ByteArrayInputStream(new byte[0]), 0)).isEmpty();
    }

    @Test
    void noAssignmentOnceTheCoordinatorsProcessIsGoneThoughTheInputStaysOpen() throws Exception {
        Process coordinator = new ProcessBuilder("true").start();
        coordinator.waitFor();
        PipedOutputStream neverWritten = new PipedOutputStream();
        assertThat(StandbyAssignment.await(new PipedInputStream(neverWritten), coordinator.pid())).isEmpty();
    }

    @Test
    void aLineThatIsNoAssignmentIsAConfigurationError() {
        assertThatThrownBy(() -> StandbyAssignment.await(
                new ByteArrayInputStream("{}\n".getBytes(StandardCharsets.UTF_8)), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("WEIR_WORKER_INDEX is not set");
    }
}
