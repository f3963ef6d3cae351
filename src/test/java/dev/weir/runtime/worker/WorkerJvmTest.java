package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class WorkerJvmTest {

    /**
     * bin/weir and bench/keyed-count run on target/lib, which holds two SLF4J providers (logback,
     * and the operator's jboss-logmanager): they name logback. Workers have one (WorkerClassPath).
     */
    @Test
    void theLaunchersStartTheCoordinatorWithTheWorkersCompilerOptionsAndLogback() throws IOException {
        String options = String.join(" ", WorkerJvm.COMPILER_OPTIONS);
        for (String script : new String[] {"bin/weir", "bench/keyed-count"}) {
            assertThat(Files.readString(Path.of(script))).as(script).contains("exec java ").contains(options)
                    .contains("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider");
        }
    }
}
