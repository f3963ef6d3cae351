package dev.weir.connectors.kafka;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A transactional producer that can also commit a transaction another producer instance began.
 *
 * <p>kafka-clients has no public API for this (KIP-939's prepared transactions are not public in
 * 4.4), and a new producer's {@code initTransactions()} would <em>abort</em> the open transaction.
 * So, like Flink's internal producer, {@link #resume} skips {@code initTransactions()} and puts the
 * recorded producer id and epoch into the producer's {@code TransactionManager}, walking its state
 * machine INITIALIZING -> READY -> IN_TRANSACTION, and marks the transaction as started so that
 * {@code commitTransaction()} really sends EndTxn to the coordinator. This is the one place that
 * touches kafka-clients internals; a clients upgrade that renames them fails here loudly.
 */
final class ResumableProducer extends KafkaProducer<byte[], byte[]> {

    private static final String MANAGER_CLASS = "org.apache.kafka.clients.producer.internals.TransactionManager";
    private static final String PID_EPOCH_CLASS = "org.apache.kafka.common.utils.internals.ProducerIdAndEpoch";

    final String transactionalId;

    ResumableProducer(Map<String, Object> config, String transactionalId) {
        super(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.transactionalId = transactionalId;
    }

    /** The producer id and epoch of the current transaction, for the checkpoint. */
    KafkaTransaction currentTransaction() {
        try {
            Object pidAndEpoch = field(transactionManager(), "producerIdAndEpoch");
            long producerId = (long) field(pidAndEpoch, "producerId");
            short epoch = (short) field(pidAndEpoch, "epoch");
            return new KafkaTransaction(transactionalId, producerId, epoch);
        } catch (ReflectiveOperationException e) {
            throw incompatible(e);
        }
    }

    /** Adopts the (pre-committed) transaction {@code txn}; instead of {@code initTransactions()}. */
    void resume(KafkaTransaction txn) {
        if (!txn.transactionalId().equals(transactionalId) || txn.producerId() < 0 || txn.epoch() < 0) {
            throw new IllegalArgumentException("cannot resume " + txn + " with producer " + transactionalId);
        }
        try {
            Object manager = transactionManager();
            synchronized (manager) {
                transitionTo(manager, "INITIALIZING");
                Object partitions = field(manager, "txnPartitionMap");
                Method reset = partitions.getClass().getDeclaredMethod("reset");
                reset.setAccessible(true);
                reset.invoke(partitions);
                Object pidAndEpoch = Class.forName(PID_EPOCH_CLASS)
                        .getConstructor(long.class, short.class)
                        .newInstance(txn.producerId(), txn.epoch());
                setField(manager, "producerIdAndEpoch", pidAndEpoch);
                transitionTo(manager, "READY");
                transitionTo(manager, "IN_TRANSACTION");
                // Without this, commitTransaction() of a transaction with no sends is a local no-op.
                setField(manager, "transactionStarted", true);
            }
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot resume Kafka transaction " + txn, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw incompatible(e);
        }
    }

    void closeQuietly() {
        closeQuietly(Duration.ofSeconds(5));
    }

    /**
     * Closes without touching an open transaction. A plain close() aborts it ("aborting incomplete
     * transaction due to shutdown"), which would destroy a pre-committed transaction that a
     * restored writer still has to commit; a zero timeout is a forced close, which skips that.
     */
    void closeKeepingTransaction() {
        closeQuietly(Duration.ZERO);
    }

    private void closeQuietly(Duration timeout) {
        try {
            close(timeout);
        } catch (RuntimeException e) {
            // closing is best effort: a fenced or broken producer has nothing left to flush
        }
    }

    private Object transactionManager() throws ReflectiveOperationException {
        Object manager = field(this, KafkaProducer.class, "transactionManager");
        if (manager == null) {
            throw new IllegalStateException("producer " + transactionalId + " is not transactional");
        }
        return manager;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void transitionTo(Object manager, String state) throws ReflectiveOperationException {
        Class<? extends Enum> states = (Class<? extends Enum>) Class.forName(MANAGER_CLASS + "$State");
        Method transition = manager.getClass().getDeclaredMethod("transitionTo", states);
        transition.setAccessible(true);
        transition.invoke(manager, Enum.valueOf(states, state));
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        return field(target, target.getClass(), name);
    }

    private static Object field(Object target, Class<?> owner, String name) throws ReflectiveOperationException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }

    private static void setField(Object target, String name, Object value) throws ReflectiveOperationException {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        field.set(target, value);
    }

    private static IllegalStateException incompatible(ReflectiveOperationException e) {
        return new IllegalStateException("this kafka-clients version does not have the internals the exactly-once "
                + "Kafka sink needs to resume transactions (tested with 4.4.0)", e);
    }
}
