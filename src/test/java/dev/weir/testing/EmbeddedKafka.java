package dev.weir.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A single-node KRaft Kafka (broker and controller in one process) on loopback, for ITs.
 * Every replication factor and min ISR is 1: with the defaults (3) the internal topics of the
 * transaction coordinator never become available and {@code initTransactions()} hangs.
 * {@link #shared()} is one lazily started instance for the whole test JVM, stopped at exit.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The broker's default cap on producers' transaction.timeout.ms (Kafka's default: 15 min). */
    public static final int DEFAULT_MAX_TRANSACTION_TIMEOUT_MS = 900_000;

    private static EmbeddedKafka shared;

    private final Path logDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Admin admin;

    private EmbeddedKafka(int maxTransactionTimeoutMs) throws Exception {
        logDir = Files.createTempDirectory("weir-kafka-");
        int brokerPort = freePort();
        int controllerPort = freePort();
        bootstrapServers = "127.0.0.1:" + brokerPort;
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + bootstrapServers);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("transaction.max.timeout.ms", Integer.toString(maxTransactionTimeoutMs));
        props.put("group.initial.rebalance.delay.ms", "0");
        // Aborts of lingering transactions and fencing are checked quickly, not every minute.
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(1)
                .addDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString())
                .run();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        awaitBroker();
    }

    /** A broker of its own, with the given transaction.max.timeout.ms. */
    public static EmbeddedKafka start(int maxTransactionTimeoutMs) throws Exception {
        return new EmbeddedKafka(maxTransactionTimeoutMs);
    }

    /** The one broker all Kafka ITs of this JVM share; started on first use. */
    public static synchronized EmbeddedKafka shared() throws Exception {
        if (shared == null) {
            EmbeddedKafka kafka = new EmbeddedKafka(DEFAULT_MAX_TRANSACTION_TIMEOUT_MS);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
            shared = kafka;
        }
        return shared;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates the topic and waits until the broker's metadata lists it (clients started next see it). */
    public void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        awaitLeaders(name, partitions);
    }

    public void addPartitions(String topic, int totalPartitions) throws Exception {
        admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(totalPartitions)))
                .all().get(30, TimeUnit.SECONDS);
        awaitLeaders(topic, totalPartitions);
    }

    /**
     * Returns once every partition of the topic has a leader. Producing to a partition the broker
     * has not opened yet can lose an idempotent producer's first batch (KAFKA-15591: the batch is
     * refused with NOT_LEADER_OR_FOLLOWER, a later one is appended, and every retry of the first
     * then fails with OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms drops it).
     */
    private void awaitLeaders(String topic, int partitions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                if (description.partitions().size() >= partitions
                        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + ": not every partition has a leader after 30 s");
            }
            Thread.sleep(10);
        }
    }

    public Admin admin() {
        return admin;
    }

    private void awaitBroker() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded Kafka did not come up", e);
                }
            }
            Thread.sleep(50);
        }
    }

    @Override
    public synchronized void close() {
        try {
            admin.close();
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteQuietly(logDir);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
