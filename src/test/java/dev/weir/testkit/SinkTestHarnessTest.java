package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.connectors.file.ExactlyOnceFileSink;
import dev.weir.testing.CommittedOutput;
import dev.weir.testing.DirectAppendSink;

/** The harness itself: it passes an exactly-once sink and catches one that is not. */
class SinkTestHarnessTest {

    @TempDir
    Path dir;

    private static List<String> input() {
        return IntStream.range(0, 100).mapToObj(i -> "record-" + i).toList();
    }

    @Test
    void aSinkThatWritesBeforeTheCheckpointCompletesShowsDuplicates() throws Exception {
        Path out = dir.resolve("direct");
        SinkTestHarness<String> harness = SinkTestHarness.runWithRestoreAfterEveryItem(new DirectAppendSink<>(out),
                input(), 0, 2, 3);
        assertThat(harness.restores()).isGreaterThanOrEqualTo(input().size());
        List<String> lines = CommittedOutput.lines(out);
        assertThat(lines).containsAll(input());
        assertThat(lines.size()).as("records replayed after failed checkpoints were written again")
                .isGreaterThan(input().size());
    }

    @Test
    void anExactlyOnceSinkCommitsEveryRecordOnce() throws Exception {
        Path out = dir.resolve("exactly-once");
        SinkTestHarness.runWithRestoreAfterEveryItem(new ExactlyOnceFileSink<>(out), input(), 0, 2, 3);
        assertThat(CommittedOutput.lines(out)).containsExactlyInAnyOrderElementsOf(input());
    }

    @Test
    void aRestoreGoesBackToTheLastCompletedCheckpointInANewAttempt() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir.resolve("o")), 2, 0);
        harness.write(0, "a");
        long first = harness.snapshot();
        harness.complete(first, false);
        harness.write(1, "b");
        long second = harness.snapshot();
        assertThatThrownBy(() -> harness.complete(first, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint " + first + " is not the last one taken");
        harness.notifyAborted(second);
        harness.restore(3, false);
        assertThat(harness.attempt()).isEqualTo(1);
        assertThat(harness.parallelism()).isEqualTo(3);
        harness.finish();
        // "a" was never notified: its checkpoint's committable is committed on restore. "b" was in the aborted one.
        assertThat(CommittedOutput.lines(dir.resolve("o"))).containsExactly("a");
    }
}
