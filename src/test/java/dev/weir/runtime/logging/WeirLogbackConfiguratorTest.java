package dev.weir.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

class WeirLogbackConfiguratorTest {

    @Test
    void weirLogsAtInfoEverythingElseAtWarnOnStandardErrorInTheLineFormatTheLogTailReads() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's SLF4J provider does first
        try {
            // the console appender takes System.err when it starts
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            WeirLogbackConfigurator.applyTo(context);
            context.getLogger("dev.weir.runtime.worker.Worker").info("worker 0 runs 2 tasks");
            context.getLogger("dev.weir.runtime.worker.Worker").debug("not shown");
            context.getLogger("org.eclipse.jetty.server.Server").info("not shown either");
            context.getLogger("org.eclipse.jetty.server.Server").warn("shown");
            context.getLogger("dev.weir.runtime.worker.Worker").error("worker 0 cannot build its job: boom");
            assertThat(context.getLogger("dev.weir").getLevel()).isEqualTo(Level.INFO);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
        } finally {
            context.stop();
            System.setErr(err);
        }

        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).hasSize(3);
        assertThat(out.lines().findFirst().orElseThrow())
                .matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO  d\\.w\\.r\\.worker\\.Worker - worker 0 runs 2 tasks");
        assertThat(out).contains("WARN  o.e.j.server.Server - shown").doesNotContain("not shown");
        assertThat(WorkerLogTail.lastErrorIn(out)).isEqualTo(Optional.of("worker 0 cannot build its job: boom"));
    }

    @Test
    void anExplicitConfigurationFileOrTheTestsXmlIsLeftToLogback() {
        // this class path holds the tests' logback-test.xml
        LoggerContext context = new LoggerContext();
        WeirLogbackConfigurator configurator = new WeirLogbackConfigurator();
        configurator.setContext(context);

        assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }
}
