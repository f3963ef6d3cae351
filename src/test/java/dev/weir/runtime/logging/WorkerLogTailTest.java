package dev.weir.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerLogTailTest {

    @TempDir
    Path dir;

    @Test
    void theLastErrorLineWithTheExceptionAfterIt() throws Exception {
        Path log = write("""
                10:00:00.001 INFO  d.w.r.w.Worker - starting
                10:00:01.002 ERROR d.w.r.w.Worker - worker 0 of job stops: first
                10:00:02.003 ERROR d.w.WorkerMain - worker 0 of job failed to run
                java.util.concurrent.TimeoutException: 1 of 2 workers of attempt 1 registered within PT1M
                \tat dev.weir.runtime.worker.CoordinatorClient.awaitPeers(CoordinatorClient.java:99)
                10:00:02.004 INFO  d.w.r.w.Worker - bye
                """);
        assertThat(WorkerLogTail.lastError(log)).contains("worker 0 of job failed to run "
                + "(java.util.concurrent.TimeoutException: 1 of 2 workers of attempt 1 registered within PT1M)");
    }

    @Test
    void withoutAnErrorLineTheLastLine() throws Exception {
        Path log = write("""
                Error occurred during initialization of VM
                Too small maximum heap

                """);
        assertThat(WorkerLogTail.lastError(log)).contains("Too small maximum heap");
        assertThat(WorkerLogTail.lastError(write(""))).isEmpty();
        assertThat(WorkerLogTail.lastError(write("10:00:00.001 INFO  d.w.r.w.Worker - worker 0 runs 2 tasks\n")))
                .as("killed while running: its last line is no reason").isEmpty();
        assertThat(WorkerLogTail.lastError(dir.resolve("missing.log"))).isEmpty();
        assertThat(WorkerLogTail.lastErrorIn(null)).isEmpty();
    }

    @Test
    void aLongLogIsReadFromItsTailAndAReasonIsShortened() throws Exception {
        StringBuilder text = new StringBuilder("10:00:00.000 ERROR d.w.Old - an old error\n");
        for (int i = 0; i < 5_000; i++) {
            text.append("10:00:00.000 INFO  d.w.r.w.Worker - line ").append(i).append('\n');
        }
        text.append("10:00:01.000 ERROR d.w.r.w.Worker - ").append("x".repeat(2_000)).append('\n');
        String reason = WorkerLogTail.lastError(write(text.toString())).orElseThrow();
        assertThat(reason).startsWith("xxx").hasSize(500).endsWith("…");
        assertThat(WorkerLogTail.lastErrorIn(text.substring(0, text.indexOf("line 3")))).contains("an old error");
    }

    private Path write(String text) throws Exception {
        Path log = Files.createTempFile(dir, "worker", ".log");
        Files.writeString(log, text, StandardCharsets.UTF_8);
        return log;
    }
}
