package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spare pool on real processes ({@code sleep}, standing in for a waiting worker JVM): it keeps
 * its target, hands out spares only for the inputs they were started with, replaces spares that
 * die, and stops every spare it holds when closed.
 */
class StandbyWorkersTest {

    @TempDir
    Path logs;

    private final List<Process> launched = new CopyOnWriteArrayList<>();
    private final List<String> launchedFor = new CopyOnWriteArrayList<>();
    private final List<StandbyWorkers<String>> pools = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        pools.forEach(StandbyWorkers::close);
        launched.forEach(Process::destroyForcibly);
    }

    @Test
    void refillStartsSparesUpToTheTargetAndTakeHandsThemOutOnce() throws Exception {
        StandbyWorkers<String> pool = pool(2);
        pool.refill("p=2");
        awaitTrue(() -> pool.processes().size() == 2);
        List<Long> waiting = pool.processes().stream().map(ProcessHandle::pid).toList();

        Optional<StandbyWorkers.Spare<String>> first = pool.take("p=2");
        Optional<StandbyWorkers.Spare<String>> second = pool.take("p=2");
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(List.of(first.get().process().pid(), second.get().process().pid()))
                .containsExactlyElementsOf(waiting);
        assertThat(first.get().log()).isEqualTo(logs.resolve("standby-" + first.get().number() + ".log"));
        assertThat(pool.take("p=2")).as("the pool is empty until refilled").isEmpty();
        assertThat(first.get().process().isAlive()).as("a taken spare is the caller's, not stopped").isTrue();

        pool.refill("p=2");
        awaitTrue(() -> pool.processes().size() == 2);
        assertThat(launched).hasSize(4);
        assertThat(pool.processes()).extracting(ProcessHandle::pid).doesNotContainAnyElementsOf(waiting);
    }

    @Test
    void sparesStartedForOtherJobInputsAreStoppedNeverHandedOut() throws Exception {
        StandbyWorkers<String> pool = pool(2);
        pool.refill("p=2,jar=aa");
        awaitTrue(() -> pool.processes().size() == 2);
        List<Process> stale = List.copyOf(launched);

        assertThat(pool.take("p=3,jar=aa")).isEmpty();
        for (Process process : stale) {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("a spare of other inputs is stopped").isTrue();
        }
        assertThat(pool.processes()).isEmpty();

        pool.refill("p=3,jar=aa");
        awaitTrue(() -> pool.processes().size() == 2);
        assertThat(pool.take("p=3,jar=bb")).as("another jar: no spare fits").isEmpty();
        assertThat(launchedFor).containsExactly("p=2,jar=aa", "p=2,jar=aa", "p=3,jar=aa", "p=3,jar=aa");
    }

    @Test
    void aSpareThatDiesWhileWaitingIsReplaced() throws Exception {
        StandbyWorkers<String> pool = pool(1);
        pool.refill("p=1");
        awaitTrue(() -> pool.processes().size() == 1);
        ProcessHandle dead = pool.processes().get(0);

        dead.destroyForcibly();
        awaitTrue(() -> pool.processes().size() == 1 && pool.processes().get(0).pid() != dead.pid());
        assertThat(launched).hasSize(2);
        assertThat(launchedFor).containsOnly("p=1");
        Optional<StandbyWorkers.Spare<String>> spare = pool.take("p=1");
        assertThat(spare).isPresent();
        assertThat(spare.get().process().isAlive()).isTrue();
    }

    @Test
    void closingStopsEveryWaitingSpareAndStartsNoMore() throws Exception {
        StandbyWorkers<String> pool = pool(2);
        pool.refill("p=2");
        awaitTrue(() -> pool.processes().size() == 2);
        List<Process> spares = List.copyOf(launched);

        pool.close();
        for (Process process : spares) {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        pool.refill("p=2");
        assertThat(pool.processes()).isEmpty();
        assertThat(pool.take("p=2")).isEmpty();
        assertThat(launched).hasSize(2);
    }

    private StandbyWorkers<String> pool(int target) {
        StandbyWorkers<String> pool = new StandbyWorkers<>(target, logs, this::launch);
        pools.add(pool);
        return pool;
    }

    private Process launch(String inputs, Path log) throws IOException {
        Process process = new ProcessBuilder("sleep", "600").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        launched.add(process);
        launchedFor.add(inputs);
        return process;
    }

    /** Waits (up to a minute) for what the pool does in the background. */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within a minute").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
