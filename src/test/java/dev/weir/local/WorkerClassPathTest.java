package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerClassPathTest {

    @TempDir
    Path dir;

    @Test
    void besideWeirsJarComeEveryJarOfWorkerLibInNameOrder() throws Exception {
        Path jar = Files.createFile(dir.resolve("weir.jar"));
        Path lib = Files.createDirectories(dir.resolve("worker/lib"));
        Files.createFile(lib.resolve("b.jar"));
        Files.createFile(lib.resolve("a.jar"));
        Files.createFile(lib.resolve("README.txt"));

        WorkerClassPath classPath = WorkerClassPath.besideCode(jar);

        assertThat(classPath.entries()).containsExactly(jar, lib.resolve("a.jar"), lib.resolve("b.jar"));
        assertThat(classPath.asArgument()).isEqualTo(jar + ":" + lib.resolve("a.jar") + ":" + lib.resolve("b.jar"));
        assertThat(classPath.jarCount()).isEqualTo(3);
    }

    @Test
    void noWorkerLibBesideTheCodeIsAClearError() throws Exception {
        Path jar = Files.createFile(dir.resolve("weir.jar"));
        assertThatThrownBy(() -> WorkerClassPath.besideCode(jar)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("worker/lib").toString()).hasMessageContaining("mvn package")
                .hasMessageContaining(WorkerClassPath.PROPERTY);
    }

    @Test
    void aConfiguredClassPathExpandsDirectoryWildcards() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.createFile(lib.resolve("z.jar"));
        Files.createFile(lib.resolve("k.jar"));

        WorkerClassPath classPath = WorkerClassPath.parse(classes + ":" + lib + "/*");

        assertThat(classPath.entries()).containsExactly(classes, lib.resolve("k.jar"), lib.resolve("z.jar"));
        assertThat(classPath.jarCount()).isEqualTo(2);
    }

    @Test
    void aWildcardOverAnEmptyDirectoryIsAClearError() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        assertThatThrownBy(() -> WorkerClassPath.parse(lib + "/*")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no jars in " + lib);
    }
}
