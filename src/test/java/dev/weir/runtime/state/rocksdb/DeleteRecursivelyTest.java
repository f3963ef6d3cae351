package dev.weir.runtime.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteRecursivelyTest {

    /**
     * Two processes may delete the same tree at once: a worker that stops removes its RocksDB
     * directories while the next attempt's workers sweep those of stopped processes. Neither may
     * fail on entries the other removed first (a sweep that did failed the starting subtask).
     */
    @Test
    void concurrentDeletionsOfOneTreeBothSucceed(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 5; round++) {
            Path tree = dir.resolve("worker-" + round);
            for (int d = 0; d < 20; d++) {
                Path sub = Files.createDirectories(tree.resolve("subtask-" + d).resolve("db"));
                for (int f = 0; f < 50; f++) {
                    Files.writeString(sub.resolve("MANIFEST-" + f), "x");
                }
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        RocksDbInstance.deleteRecursively(tree);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(tree).doesNotExist();
        }
    }
}
