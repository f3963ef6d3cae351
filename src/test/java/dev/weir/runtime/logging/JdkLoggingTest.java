package dev.weir.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class JdkLoggingTest {

    private final Logger root = LogManager.getLogManager().getLogger("");
    private Level previousLevel;
    private List<Handler> previousHandlers;

    @BeforeEach
    void remember() {
        previousLevel = root.getLevel();
        previousHandlers = List.of(root.getHandlers());
    }

    @AfterEach
    void restore() {
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        previousHandlers.forEach(root::addHandler);
        root.setLevel(previousLevel);
    }

    @Test
    void theJdkHttpClientsDebugLogIsOffAfterwards() {
        JdkLogging.routeToSlf4j();

        // The logger the JDK's HttpClient asks before formatting its per-exchange debug lines.
        System.Logger httpDebug = System.getLogger("jdk.internal.httpclient.debug");
        assertThat(httpDebug.isLoggable(System.Logger.Level.DEBUG)).isFalse();
        assertThat(httpDebug.isLoggable(System.Logger.Level.TRACE)).isFalse();
        assertThat(System.getLogger("com.sun.net.httpserver").isLoggable(System.Logger.Level.DEBUG)).isFalse();
        assertThat(httpDebug.isLoggable(System.Logger.Level.WARNING)).isTrue();
    }

    @Test
    void jdkWarningsReachSlf4jAndNothingElseHandlesThem() {
        ch.qos.logback.classic.Logger target = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("jdk.test.weir");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        target.addAppender(appender);
        try {
            JdkLogging.routeToSlf4j();

            Logger jul = Logger.getLogger("jdk.test.weir");
            jul.warning("connection reset");
            jul.fine("not wanted");

            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("connection reset");
            assertThat(root.getHandlers()).singleElement()
                    .isInstanceOf(org.slf4j.bridge.SLF4JBridgeHandler.class);
        } finally {
            target.detachAppender(appender);
        }
    }
}
