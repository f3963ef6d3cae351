package dev.weir.connectors.kafka;

import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Closes a connector's reader or writer the way a canceled task does, on its interrupted thread,
 * and reports what the Kafka client and Weir's Kafka connectors logged at WARN or above meanwhile.
 */
final class InterruptedClose {

    /** What was logged, and whether the thread was still interrupted after the close. */
    record Outcome(List<String> warnings, boolean stillInterrupted) {}

    private static final List<String> LOGGERS = List.of("org.apache.kafka", "dev.weir.connectors.kafka");

    private InterruptedClose() {}

    static Outcome close(AutoCloseable closeable) throws Exception {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).addAppender(appender));
        boolean stillInterrupted;
        try {
            Thread.currentThread().interrupt();
            closeable.close();
        } finally {
            stillInterrupted = Thread.interrupted();
            LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).detachAppender(appender));
        }
        return new Outcome(appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList(),
                stillInterrupted);
    }
}
