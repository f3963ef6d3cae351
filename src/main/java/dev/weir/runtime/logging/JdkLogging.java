package dev.weir.runtime.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The JDK's own logging ({@code java.util.logging} and {@code System.Logger}, used by the JDK's
 * HTTP client and server, okhttp and the PostgreSQL driver) in the plain-Java processes: workers,
 * {@code weir local}, benchmarks. It gets WARNING and above, and what it logs goes to SLF4J like
 * Weir's own messages, in the same format and file.
 *
 * <p>In {@code weir local} and the benchmarks it also disarms the operator's jboss-logmanager,
 * which their class path (target/lib) carries and the JDK then picks up as its log manager and
 * logger finder. Outside Quarkus nothing configures it: its root logger stays at level ALL with a
 * handler that only queues records for a Quarkus boot that never comes. The JDK HTTP client then
 * formats its debug log for every exchange, which made each checkpoint's control messages cost
 * tens of milliseconds of CPU (and kept the records in memory). Workers have their own class path
 * without it ({@code WorkerClassPath}, the image's /opt/weir/worker).
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
