package dev.weir.examples;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.weir.connectors.kafka.DeliveryGuarantee;

/**
 * An example job's {@code kafka://<bootstrap>/<topic>[?settings]} argument (design §8). The
 * bootstrap part is a comma-separated host:port list. Query settings: {@code guarantee}
 * ({@code exactly-once}, the default, or {@code at-least-once}; outputs only), and any Kafka
 * client setting (its name has a dot, e.g. {@code max.block.ms=5000}), passed to the client as is.
 * Anything else is refused, so a typo does not silently change the guarantee.
 */
public record KafkaUri(String bootstrapServers, String topic, DeliveryGuarantee guarantee,
                       Map<String, String> clientProperties) {

    private static final String FORM = "kafka://<host:port>[,<host:port>...]/<topic>[?guarantee=at-least-once]";

    /** Parses {@code value}, the job argument {@code argument}; {@code output} allows {@code guarantee}. */
    public static KafkaUri parse(String argument, String value, boolean output) {
        if (!value.startsWith("kafka://")) {
            throw invalid(argument, value, "does not start with kafka://");
        }
        String rest = value.substring("kafka://".length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw invalid(argument, value, slash == 0 ? "has no bootstrap servers" : "has no topic");
        }
        String bootstrap = rest.substring(0, slash);
        String topic = rest.substring(slash + 1);
        for (String server : bootstrap.split(",", -1)) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || !server.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw invalid(argument, value, "bootstrap server '" + server + "' is not host:port");
            }
        }
        // Kafka's own rule for topic names.
        if (topic.isEmpty() || topic.length() > 249 || !topic.matches("[A-Za-z0-9._-]+")
                || topic.equals(".") || topic.equals("..")) {
            throw invalid(argument, value, "topic '" + topic + "' is not a valid Kafka topic name "
                    + "(letters, digits, '.', '_', '-', at most 249)");
        }
        DeliveryGuarantee guarantee = output ? DeliveryGuarantee.EXACTLY_ONCE : null;
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String setting = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (key.equals("guarantee") && output) {
                guarantee = guarantee(argument, value, setting);
            } else if (key.contains(".") && !setting.isEmpty()) {
                properties.put(key, setting);
            } else {
                throw invalid(argument, value, "unknown setting '" + pair + "' (allowed: "
                        + (output ? "guarantee=exactly-once|at-least-once, " : "")
                        + "Kafka client settings such as max.block.ms=5000)");
            }
        }
        return new KafkaUri(bootstrap, topic, guarantee, Map.copyOf(properties));
    }

    private static DeliveryGuarantee guarantee(String argument, String value, String setting) {
        switch (setting) {
            case "exactly-once":
                return DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once":
                return DeliveryGuarantee.AT_LEAST_ONCE;
            default:
                throw invalid(argument, value, "guarantee must be exactly-once or at-least-once (got '" + setting + "')");
        }
    }

    private static UnrecoverableJobException invalid(String argument, String value, String problem) {
        return JobArgs.invalid(argument, "'" + value + "' " + problem + " (expected " + FORM + ")");
    }
}
