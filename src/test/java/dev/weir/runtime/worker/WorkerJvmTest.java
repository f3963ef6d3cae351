package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class WorkerJvmTest {

    @Test
    void theLaunchersStartTheCoordinatorWithTheWorkersCompilerAndLoggingOptions() throws IOException {
        String options = String.join(" ", WorkerJvm.COMPILER_OPTIONS);
        String logging = String.join(" ", WorkerJvm.LOGGING_OPTIONS);
        for (String script : new String[] {"bin/weir", "bench/keyed-count"}) {
            assertThat(Files.readString(Path.of(script))).as(script).contains("exec java ").contains(options)
                    .contains(logging);
        }
    }
}
