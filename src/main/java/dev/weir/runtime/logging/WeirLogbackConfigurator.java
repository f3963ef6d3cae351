package dev.weir.runtime.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration for Weir's own JVMs (workers, {@code weir}, the benchmarks), in code: one
 * line per event on standard error, {@code HH:mm:ss.SSS LEVEL logger - message}, Weir's loggers at
 * INFO and everything else at WARN (S3Proxy's Jetty, the AWS SDK and Netty log at DEBUG by default:
 * millions of lines and several times slower). Logback finds it as a service
 * ({@code META-INF/services/ch.qos.logback.classic.spi.Configurator}) ahead of its XML configurator,
 * whose parser took 100 ms of every worker's start, on the thread everything else waits behind.
 *
 * <p>An explicit configuration still wins: with {@code -Dlogback.configurationFile=...}, or a
 * {@code logback-test.xml} on the class path (the tests'), this steps aside and logback reads that file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class WeirLogbackConfigurator extends ContextAwareBase implements Configurator {

    /** The line format; {@link WorkerLogTail} reads worker logs written in it. */
    public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || WeirLogbackConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        applyTo(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Weir's configuration, on {@code context}. */
    static void applyTo(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        context.getLogger("dev.weir").setLevel(Level.INFO);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
    }
}
