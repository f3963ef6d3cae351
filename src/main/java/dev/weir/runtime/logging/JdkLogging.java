package dev.weir.runtime.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The JDK's own logging ({@code java.util.logging} and {@code System.Logger}, used by the JDK's
 * HTTP client and server) in the plain-Java processes: workers, {@code weir local}, benchmarks.
 *
 * <p>The class path also carries the operator's jboss-logmanager, which the JDK picks up as its
 * log manager and logger finder. Outside Quarkus nothing configures it: its root logger stays at
 * level ALL with a handler that only queues records for a Quarkus boot that never comes. The JDK
 * HTTP client then formats its debug log for every exchange, which made each checkpoint's control
 * messages cost tens of milliseconds of CPU (and kept the records in memory). Here the JDK's
 * loggers get WARNING and above, and what they log goes to SLF4J like Weir's own messages.
 */
public final class JdkLogging {

    private JdkLogging() {}

    /** Call first thing in a process's main, before any HTTP client or server is built. */
    public static void routeToSlf4j() {
        // The logger finder first: jboss-logmanager's installs itself as the log manager when it
        // comes first, and complains on stderr when java.util.logging was set up before it.
        System.getLogger(JdkLogging.class.getName());
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.setLevel(Level.WARNING);
        root.addHandler(new SLF4JBridgeHandler());
    }
}
