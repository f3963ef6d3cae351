package dev.weir.connectors.kafka;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One subtask's transactional producers, ids {@code <prefix>-<subtask>-<n>} for {@code n} below
 * the pool size. A producer is busy from begin until its transaction commits or aborts; ids are
 * taken lowest first, so a steady job keeps reusing the same two or three ids and the set of ids
 * a job ever uses stays bounded (which the lingering-transaction cleanup relies on).
 */
final class TransactionalProducerPool implements AutoCloseable {

    private final String prefix;
    private final int subtask;
    private final int size;
    private final Function<String, ResumableProducer> factory;
    private final Deque<ResumableProducer> idle = new ArrayDeque<>();
    private final Map<String, ResumableProducer> busy = new HashMap<>();
    /** Ids whose producer was discarded: made again before any new id. */
    private final Deque<String> discardedIds = new ArrayDeque<>();
    private int created;

    TransactionalProducerPool(String prefix, int subtask, int size, Function<String, ResumableProducer> factory) {
        this.prefix = prefix;
        this.subtask = subtask;
        this.size = size;
        this.factory = factory;
    }

    static String transactionalId(String prefix, int subtask, int n) {
        return prefix + "-" + subtask + "-" + n;
    }

    /** A producer whose initTransactions() has run (which fenced and aborted any earlier owner of the id). */
    ResumableProducer acquire() {
        ResumableProducer producer = idle.pollFirst();
        if (producer == null && !discardedIds.isEmpty()) {
            producer = factory.apply(discardedIds.pollFirst());
        }
        if (producer == null) {
            if (created >= size) {
                throw new IllegalStateException("all " + size + " transactional ids of subtask " + subtask
                        + " (prefix " + prefix + ") hold transactions waiting for a checkpoint to complete; "
                        + "checkpoints are not completing, or raise transactionalIdPoolSize");
            }
            producer = factory.apply(transactionalId(prefix, subtask, created));
            created++;
        }
        busy.put(producer.transactionalId, producer);
        return producer;
    }

    /** The live producer holding {@code transactionalId}'s transaction, or null (e.g. after a restore). */
    ResumableProducer busy(String transactionalId) {
        return busy.get(transactionalId);
    }

    void release(ResumableProducer producer) {
        if (busy.remove(producer.transactionalId) != null) {
            idle.addFirst(producer);
        }
    }

    /** Drops a producer that can no longer be used (fenced, fatal error); its id can be made again. */
    void discard(ResumableProducer producer) {
        busy.remove(producer.transactionalId);
        idle.remove(producer);
        discardedIds.addLast(producer.transactionalId);
        producer.closeQuietly();
    }

    @Override
    public void close() {
        // Busy producers may hold pre-committed transactions that a later attempt commits.
        for (ResumableProducer producer : busy.values()) {
            producer.closeKeepingTransaction();
        }
        for (ResumableProducer producer : idle) {
            producer.closeQuietly();
        }
        idle.clear();
        busy.clear();
    }
}
