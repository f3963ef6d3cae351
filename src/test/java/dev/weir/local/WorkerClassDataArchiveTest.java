package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerClassDataArchiveTest {

    private static final WorkerClassPath CLASS_PATH = WorkerClassPath.parse(System.getProperty("java.class.path"));

    @TempDir
    Path dir;

    @Test
    void anotherClassPathGetsAnotherArchive() {
        WorkerClassPath fewer = new WorkerClassPath(CLASS_PATH.entries().subList(0, CLASS_PATH.entries().size() - 1));
        assertThat(WorkerClassDataArchive.forClassPath(dir, fewer).archive())
                .isNotEqualTo(WorkerClassDataArchive.forClassPath(dir, CLASS_PATH).archive())
                .isEqualTo(WorkerClassDataArchive.forClassPath(dir, fewer).archive());
    }

    @Test
    void recordsOnceThenUsesThePublishedArchive() throws Exception {
        WorkerClassDataArchive archive = WorkerClassDataArchive.forClassPath(dir, CLASS_PATH);
        assertThat(archive.javaOptions(false)).as("no archive, not recording").isEmpty();
        List<String> recording = archive.javaOptions(true);
        String dumpOption = recording.stream().filter(o -> o.startsWith("-XX:ArchiveClassesAtExit=")).findFirst().orElseThrow();
        Path partial = Path.of(dumpOption.substring("-XX:ArchiveClassesAtExit=".length()));
        assertThat(partial).isNotEqualTo(archive.archive());
        assertThat(partial.getParent()).isEqualTo(dir);

        Files.write(partial, new byte[] {1, 2, 3}); // what the exiting worker JVM writes
        archive.recorded();
        assertThat(partial).doesNotExist();
        assertThat(archive.archive()).exists();
        assertThat(archive.javaOptions(true)).contains("-XX:SharedArchiveFile=" + archive.archive(), "-Xshare:auto");
    }

    @Test
    void aWorkerThatDiedBeforeWritingPublishesNothing() throws Exception {
        WorkerClassDataArchive archive = WorkerClassDataArchive.forClassPath(dir, CLASS_PATH);
        archive.javaOptions(true);
        archive.recorded(); // SIGKILLed: no dump at exit
        assertThat(archive.archive()).doesNotExist();
        assertThat(archive.javaOptions(true)).anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="));
    }

    @Test
    void keepsOnlyTheNewestArchives() throws Exception {
        for (int i = 0; i < 5; i++) {
            Path old = dir.resolve("worker-old" + i + ".jsa");
            Files.write(old, new byte[] {1});
            old.toFile().setLastModified(System.currentTimeMillis() - (10 - i) * 60_000L);
        }
        WorkerClassDataArchive archive = WorkerClassDataArchive.forClassPath(dir, CLASS_PATH);
        String option = archive.javaOptions(true).get(0);
        Files.write(Path.of(option.substring(option.indexOf('=') + 1)), new byte[] {1});
        archive.recorded();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder(archive.archive().getFileName().toString(), "worker-old4.jsa", "worker-old3.jsa");
        }
    }
}
