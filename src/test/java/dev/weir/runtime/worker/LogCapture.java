package dev.weir.runtime.worker;

import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

/** Captures every log line of dev.weir at every level, so a test can prove what never gets logged. */
public final class LogCapture implements AutoCloseable {

    private final Logger weir = (Logger) LoggerFactory.getLogger("dev.weir");
    private final Level previousLevel = weir.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        weir.addAppender(appender);
        weir.setLevel(Level.TRACE);
    }

    /** Each event as message plus stack trace text. */
    public List<String> lines() {
        return appender.list.stream()
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " " + ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        weir.detachAppender(appender);
        weir.setLevel(previousLevel);
    }
}
