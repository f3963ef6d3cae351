package dev.weir.connectors.kafka;

import org.apache.kafka.common.errors.TimeoutException;

/** Turns kafka-clients exceptions into errors that name the connector and the setting to look at. */
final class KafkaFailures {

    private KafkaFailures() {}

    /** The first cause of {@code type} in {@code error}'s chain, or null. */
    static <E extends Throwable> E find(Throwable error, Class<E> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    static boolean isTimeout(Throwable error) {
        return find(error, TimeoutException.class) != null
                || find(error, java.util.concurrent.TimeoutException.class) != null;
    }

    /**
     * A timeout while no broker answered: almost always a wrong bootstrap.servers or a broker that
     * is down, so the message says so instead of kafka-clients' "Timeout expired after ...".
     */
    static RuntimeException unreachable(String connector, String bootstrapServers, String timeoutSetting,
                                        long timeoutMs, Throwable cause) {
        return new IllegalStateException(connector + ": no Kafka broker answered at bootstrap.servers="
                + bootstrapServers + " within " + timeoutMs + " ms (" + timeoutSetting
                + "); check bootstrap.servers and that the brokers are up", cause);
    }
}
