package dev.weir.connectors.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/** The connectors' admin-client chores: configuration and checks against the brokers' limits. */
final class KafkaAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAdmin.class);

    private KafkaAdmin() {}

    /** Bootstrap and security settings of a connector's client properties, with its time limit. */
    static Map<String, Object> config(String bootstrapServers, Map<String, Object> clientProperties, long timeoutMs) {
        Map<String, Object> config = new HashMap<>();
        clientProperties.forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")
                    || key.equals(AdminClientConfig.CLIENT_DNS_LOOKUP_CONFIG)) {
                config.put(key, value);
            }
        });
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 30_000));
        return config;
    }

    /**
     * Fails at start when the sink's topic does not exist. Brokers with auto.create.topics.enable
     * would create it on the first send, with the broker's default partitions and replication,
     * which is rarely what a production job wants; the others make every send wait max.block.ms
     * and then fail with a message that does not say why. Either way, better said up front.
     */
    static void requireTopic(KafkaSink<?> sink) {
        try (Admin admin = Admin.create(config(sink.bootstrapServers, sink.producerProperties, sink.maxBlockMs()))) {
            boolean exists = admin.listTopics().names().get(sink.maxBlockMs(), TimeUnit.MILLISECONDS).contains(sink.topic);
            if (!exists) {
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                        sink.describe() + ": topic " + sink.topic
                        + " does not exist at bootstrap.servers=" + sink.bootstrapServers
                        + "; create it or fix the topic name");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(sink.describe() + ": interrupted", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            if (KafkaFailures.isTimeout(e)) {
                throw KafkaFailures.unreachable(sink.describe(), sink.bootstrapServers, "max.block.ms", sink.maxBlockMs(), e);
            }
            throw new IllegalStateException(sink.describe() + ": cannot list the topics at bootstrap.servers="
                    + sink.bootstrapServers + ": " + e.getCause(), e);
        }
    }

    /**
     * Fails at start, with the setting to change, when the sink's transaction.timeout.ms exceeds
     * a broker's transaction.max.timeout.ms. kafka-clients reports this only as an untyped
     * "Unexpected error in InitProducerIdResponse". Skipped (with a log line) when the brokers'
     * configuration may not be described; initTransactions() still refuses then.
     */
    static void checkTransactionTimeout(Admin admin, KafkaSink<?> sink) {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(sink.maxBlockMs(), TimeUnit.MILLISECONDS);
            List<ConfigResource> brokers = nodes.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.BROKER, n.idString())).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(brokers).all()
                    .get(sink.maxBlockMs(), TimeUnit.MILLISECONDS);
            for (Config config : configs.values()) {
                ConfigEntry max = config.get("transaction.max.timeout.ms");
                if (max != null && max.value() != null && sink.transactionTimeoutMs > Long.parseLong(max.value())) {
                    throw new IllegalArgumentException(sink.describe() + ": transaction.timeout.ms="
                            + sink.transactionTimeoutMs + " is above the broker's transaction.max.timeout.ms="
                            + max.value() + "; lower the sink's transactionTimeoutMs or raise "
                            + "transaction.max.timeout.ms on the brokers");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(sink.describe() + ": interrupted", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            if (KafkaFailures.isTimeout(e)) {
                throw KafkaFailures.unreachable(sink.describe(), sink.bootstrapServers, "max.block.ms", sink.maxBlockMs(), e);
            }
            LOG.info("{}: cannot read the brokers' transaction.max.timeout.ms ({}); not checked", sink.describe(), e.toString());
        }
    }
}
