package dev.weir.connectors.kafka;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.connectors.sink.TwoPhaseCommitSinkWriter;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Kafka transactions under the two-phase-commit protocol: a transaction per checkpoint interval,
 * pre-committed (flushed) at the barrier, committed on completion by the producer that wrote it,
 * or after a restore by a producer that {@linkplain ResumableProducer#resume resumes} it.
 */
final class ExactlyOnceKafkaWriter<T> extends TwoPhaseCommitSinkWriter<T, KafkaTransaction> {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceKafkaWriter.class);

    private final KafkaSink<T> sink;
    private final TransactionalProducerPool pool;
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private final Callback callback = (metadata, error) -> {
        if (error != null) {
            sendError.compareAndSet(null, error);
        }
    };

    ExactlyOnceKafkaWriter(KafkaSink<T> sink, SinkContext context) {
        super(context);
        this.sink = sink;
        this.pool = new TransactionalProducerPool(sink.transactionalIdPrefix, context.subtask(),
                sink.transactionalIdPoolSize, this::initializedProducer);
    }

    @Override
    protected KafkaTransaction beginTransaction() {
        ResumableProducer producer = pool.acquire();
        producer.beginTransaction();
        return producer.currentTransaction();
    }

    @Override
    protected void write(KafkaTransaction transaction, T record) {
        checkSendError();
        pool.busy(transaction.transactionalId()).send(sink.serializer.apply(record), callback);
    }

    @Override
    protected void preCommit(KafkaTransaction transaction) {
        ResumableProducer producer = pool.busy(transaction.transactionalId());
        producer.flush();
        checkSendError();
        if (!producer.currentTransaction().equals(transaction)) {
            // The producer bumped its epoch (an abortable error): the recorded handle would not commit.
            throw new IllegalStateException(sink.describe() + ": transaction " + transaction
                    + " changed to " + producer.currentTransaction() + " before its pre-commit");
        }
    }

    @Override
    protected void commit(KafkaTransaction transaction) {
        ResumableProducer live = pool.busy(transaction.transactionalId());
        if (live != null) {
            live.commitTransaction();
            pool.release(live);
            return;
        }
        commitRecovered(transaction);
    }

    /**
     * Commits a transaction of an earlier attempt. An id is only ever reused (initTransactions) by
     * the subtask that first commits the restored transaction under it, so "fenced" here means a
     * previous recovery already committed it. "Not open" means it was committed earlier, or the
     * broker aborted it after transaction.timeout.ms, in which case its records are lost: there is
     * no way to tell these apart, so both are logged and the job goes on, as Flink does.
     */
    private void commitRecovered(KafkaTransaction transaction) {
        ResumableProducer producer = new ResumableProducer(transactionalConfig(transaction.transactionalId()),
                transaction.transactionalId());
        try {
            producer.resume(transaction);
            producer.commitTransaction();
            LOG.debug("{}: committed recovered transaction {}", sink.describe(), transaction);
        } catch (RuntimeException e) {
            if (KafkaFailures.find(e, ProducerFencedException.class) != null
                    || KafkaFailures.find(e, InvalidProducerEpochException.class) != null) {
                LOG.info("{}: {} was already committed (its id has moved on to a newer epoch)",
                        sink.describe(), transaction);
            } else if (KafkaFailures.find(e, InvalidTxnStateException.class) != null) {
                LOG.warn("{}: {} is no longer open: committed before, or aborted by the broker after "
                        + "transaction.timeout.ms ({} ms), in which case that checkpoint's output is lost",
                        sink.describe(), transaction, sink.transactionTimeoutMs);
            } else if (KafkaFailures.isTimeout(e)) {
                throw KafkaFailures.unreachable(sink.describe(), sink.bootstrapServers, "max.block.ms", sink.maxBlockMs(), e);
            } else {
                throw e;
            }
        } finally {
            producer.closeKeepingTransaction();
        }
    }

    @Override
    protected void abort(KafkaTransaction transaction) {
        ResumableProducer live = pool.busy(transaction.transactionalId());
        if (live == null) {
            return;
        }
        try {
            live.abortTransaction();
            pool.release(live);
        } catch (RuntimeException e) {
            LOG.warn("{}: aborting {} failed; the next owner of the id aborts it", sink.describe(), transaction, e);
            pool.discard(live);
        }
    }

    @Override
    protected void abortLingeringTransactions(OperatorStateRestore restore, Set<KafkaTransaction> restored) {
        try (Admin admin = Admin.create(KafkaAdmin.config(sink.bootstrapServers, sink.producerProperties, sink.maxBlockMs()))) {
            KafkaAdmin.checkTransactionTimeout(admin, sink);
            new LingeringTransactions(sink, context.subtask(), context.parallelism())
                    .abortAll(admin, id -> initializedProducer(id).closeQuietly());
        }
    }

    @Override
    protected TypeSerializer<KafkaTransaction> transactionSerializer() {
        return KafkaTransaction.SERIALIZER;
    }

    /**
     * Aborts the open transaction and closes the producers (keeping pre-committed transactions),
     * also on a canceled task's thread ({@link InterruptDeferral}): an open transaction left behind
     * holds back read_committed readers of its partitions until it times out.
     */
    @Override
    public void close() throws Exception {
        InterruptDeferral.close(canceled -> {
            try {
                super.close();
            } finally {
                pool.close();
            }
        });
    }

    /** A producer for {@code transactionalId} after initTransactions(), which aborts what the id had open. */
    private ResumableProducer initializedProducer(String transactionalId) {
        ResumableProducer producer = new ResumableProducer(transactionalConfig(transactionalId), transactionalId);
        try {
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            producer.closeQuietly();
            if (KafkaFailures.find(e, InvalidTxnTimeoutException.class) != null) {
                throw new IllegalArgumentException(sink.describe() + ": transaction.timeout.ms="
                        + sink.transactionTimeoutMs + " is above the broker's transaction.max.timeout.ms; lower the "
                        + "sink's transactionTimeoutMs or raise transaction.max.timeout.ms on the brokers", e);
            }
            if (KafkaFailures.isTimeout(e)) {
                throw KafkaFailures.unreachable(sink.describe(), sink.bootstrapServers, "max.block.ms", sink.maxBlockMs(), e);
            }
            throw e;
        }
    }

    private Map<String, Object> transactionalConfig(String transactionalId) {
        Map<String, Object> config = sink.producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) sink.transactionTimeoutMs);
        return config;
    }

    private void checkSendError() {
        Exception error = sendError.get();
        if (error != null) {
            if (KafkaFailures.isTimeout(error)) {
                throw KafkaFailures.unreachable(sink.describe(), sink.bootstrapServers, "max.block.ms", sink.maxBlockMs(), error);
            }
            throw new IllegalStateException(sink.describe() + ": sending to Kafka failed", error);
        }
    }
}
