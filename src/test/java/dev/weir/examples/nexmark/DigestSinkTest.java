package dev.weir.examples.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.testkit.SinkTestHarness;

class DigestSinkTest {

    @TempDir
    Path dir;

    private static final RowFormat<String> TEXT = (value, row) -> row.field(value);

    private static List<String> input(int n) {
        return IntStream.range(0, n).mapToObj(i -> "row-" + i + ",x" + (i % 7)).toList();
    }

    private static long expectedSum(List<String> rows) {
        return rows.stream().mapToLong(Fnv1a64Row::of).sum();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void digestIsExactlyOnceAcrossRestoresLostNotificationsAndRescaling(long seed) throws Exception {
        List<String> input = input(100);
        SinkTestHarness<String> harness = SinkTestHarness.runWithRestoreAfterEveryItem(
                new DigestSink<>(dir, TEXT), input, seed, 2, 1, 3);

        DigestResult result = DigestResult.read(dir).orElseThrow();
        assertThat(harness.restores()).isGreaterThanOrEqualTo(input.size());
        assertThat(result.complete()).isTrue();
        assertThat(result.parallelism()).isEqualTo(harness.parallelism());
        assertThat(result.rows()).isEqualTo(input.size());
        assertThat(result.sum()).isEqualTo(expectedSum(input));
    }

    @Test
    void resultIsIncompleteUntilTheFinalCheckpointAndALaterIdCoversALostNotification() throws Exception {
        List<String> input = input(10);
        SinkTestHarness<String> harness = new SinkTestHarness<>(new DigestSink<>(dir, TEXT), 2, 0);
        for (int i = 0; i < 4; i++) {
            harness.write(i % 2, input.get(i));
        }
        harness.complete(harness.snapshot(), true);
        DigestResult first = DigestResult.read(dir).orElseThrow();
        assertThat(first.complete()).isFalse();
        assertThat(first.rows()).isEqualTo(4);
        assertThat(first.sum()).isEqualTo(expectedSum(input.subList(0, 4)));

        for (int i = 4; i < 7; i++) {
            harness.write(i % 2, input.get(i));
        }
        harness.complete(harness.snapshot(), false); // lost: nothing new is committed
        assertThat(DigestResult.read(dir).orElseThrow().rows()).isEqualTo(4);
        for (int i = 7; i < 10; i++) {
            harness.write(i % 2, input.get(i));
        }
        harness.finish();
        DigestResult end = DigestResult.read(dir).orElseThrow();
        assertThat(end.complete()).isTrue();
        assertThat(end.rows()).isEqualTo(10);
        assertThat(end.digest()).isEqualTo(String.format("%016x", expectedSum(input)));
    }

    @Test
    void aNewRunsResultReplacesAnEarlierRunsWhoseCheckpointIdsWereHigher() throws Exception {
        // An earlier run (another checkpoint history: its state directory was deleted, say) at parallelism 3.
        DigestFiles files = new DigestFiles(dir);
        for (int subtask = 0; subtask < 3; subtask++) {
            files.commit(subtask, 3, new DigestPartial(10, 100, 1000, true));
        }
        List<String> input = input(6);
        SinkTestHarness<String> harness = new SinkTestHarness<>(new DigestSink<>(dir, TEXT), 2, 0);
        for (int i = 0; i < 3; i++) {
            harness.write(i % 2, input.get(i));
        }
        assertThat(DigestResult.read(dir).orElseThrow().rows())
                .as("until the new run commits, the earlier result stays readable").isEqualTo(300);
        harness.complete(harness.snapshot(), true);
        for (int i = 3; i < 6; i++) {
            harness.write(i % 2, input.get(i));
        }
        harness.finish();

        DigestResult result = DigestResult.read(dir).orElseThrow();
        assertThat(result.parallelism()).isEqualTo(2);
        assertThat(result.rows()).isEqualTo(6);
        assertThat(result.sum()).isEqualTo(expectedSum(input));
        assertThat(files.list()).allSatisfy(c -> assertThat(c.parallelism()).isEqualTo(2));
    }

    @Test
    void aCheckpointNotEverySubtaskCommittedIsNotTheResult() throws Exception {
        DigestFiles files = new DigestFiles(dir);
        assertThat(DigestResult.read(dir)).isEmpty();
        files.commit(0, 2, new DigestPartial(3, 5, 50, false));
        assertThat(DigestResult.read(dir)).isEmpty();
        files.commit(1, 2, new DigestPartial(3, 7, 70, false));
        files.commit(0, 2, new DigestPartial(4, 9, 90, true));
        DigestResult result = DigestResult.read(dir).orElseThrow();
        assertThat(result.checkpointId()).isEqualTo(3);
        assertThat(result.rows()).isEqualTo(12);
        assertThat(result.sum()).isEqualTo(120);
        files.commit(1, 2, new DigestPartial(4, 1, 10, true));
        assertThat(DigestResult.read(dir).orElseThrow()).isEqualTo(new DigestResult(4, 2, 10, 100, true));
        // checkpoint 4 covers 3: subtask 1 deleted its file of 3; subtask 0 does so at its next commit
        assertThat(files.list()).extracting(DigestFiles.Committed::fileName)
                .containsExactlyInAnyOrder("digest-chk3-0-of-2", "digest-chk4-0-of-2", "digest-chk4-1-of-2");
    }
}
