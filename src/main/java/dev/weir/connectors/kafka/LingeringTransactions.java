package dev.weir.connectors.kafka;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the open transactions earlier attempts of this sink left behind and that this subtask is
 * responsible for: ids {@code <prefix>-<j>-<n>} with {@code j % parallelism == subtask}. Asking the
 * transaction coordinators (ListTransactions) rather than guessing ids reaches subtask indexes of
 * any earlier parallelism and needs no state, so it also works when the job starts over without a
 * checkpoint. Ids of restored transactions are safe: they were committed before this runs.
 */
final class LingeringTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(LingeringTransactions.class);

    private final KafkaSink<?> sink;
    private final int subtask;
    private final int parallelism;
    private final Pattern ownIds;

    LingeringTransactions(KafkaSink<?> sink, int subtask, int parallelism) {
        this.sink = sink;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.ownIds = Pattern.compile(Pattern.quote(sink.transactionalIdPrefix) + "-(\\d+)-(\\d+)");
    }

    /** Calls {@code abort} (initTransactions on a fresh producer) for each lingering id of this subtask. */
    void abortAll(Admin admin, Consumer<String> abort) {
        for (String id : find(admin)) {
            LOG.info("{}: aborting lingering transaction {}", sink.describe(), id);
            abort.accept(id);
        }
    }

    List<String> find(Admin admin) {
        try {
            ListTransactionsOptions options = new ListTransactionsOptions()
                    .filterStates(Set.of(TransactionState.ONGOING, TransactionState.PREPARE_EPOCH_FENCE));
            List<TransactionListing> open = admin.listTransactions(options).all()
                    .get(sink.maxBlockMs(), TimeUnit.MILLISECONDS).stream().toList();
            return open.stream().map(TransactionListing::transactionalId).filter(this::isMine).sorted().toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(sink.describe() + ": interrupted while listing transactions", e);
        } catch (Exception e) {
            if (KafkaFailures.isTimeout(e)) {
                throw KafkaFailures.unreachable(sink.describe(), sink.bootstrapServers, "max.block.ms", sink.maxBlockMs(), e);
            }
            throw new IllegalStateException(sink.describe() + ": cannot list open transactions "
                    + "(the sink needs DESCRIBE on its transactional ids)", e);
        }
    }

    private boolean isMine(String transactionalId) {
        Matcher m = ownIds.matcher(transactionalId);
        return m.matches() && Integer.parseInt(m.group(1)) % parallelism == subtask;
    }
}
