package dev.weir.connectors.generator;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.OperatorStateRestore;

/**
 * The splits one reader owns and, per split, the next index to emit (absolute {@code i}). The
 * state format is {@code splitCount, n, n x (splitId, next)}: compact, and it keeps finished splits
 * too, because a split missing from the union on restore would have to start over.
 */
final class GeneratorSplits {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratorSplits.class);
    private static final int VERSION = 1;

    final int splitCount;
    final int[] splitIds;
    final long[] next;

    private GeneratorSplits(int splitCount, int[] splitIds, long[] next) {
        this.splitCount = splitCount;
        this.splitIds = splitIds;
        this.next = next;
    }

    /**
     * The splits subtask {@code subtask} owns. On restore the split count and every split's offset
     * come from the union of all previous states, so the result does not depend on which old
     * subtask happened to own a split.
     */
    static GeneratorSplits forSubtask(int configuredSplits, long count, int subtask, int parallelism,
                                      OperatorStateRestore restore) {
        if (configuredSplits <= 0) {
            throw new IllegalArgumentException("split count must be positive, got " + configuredSplits);
        }
        int splitCount = configuredSplits;
        long[] offsets = null;
        if (restore != null && restore.isRestored()) {
            List<byte[]> union = restore.all();
            if (union.isEmpty()) {
                LOG.warn("generator restored without any previous state; starting every split from 0");
            } else {
                splitCount = ByteBuffer.wrap(union.get(0), 4, 4).getInt();
                if (splitCount != configuredSplits) {
                    LOG.warn("generator keeps the split count {} of its checkpoint (configured {})",
                            splitCount, configuredSplits);
                }
                offsets = unionOffsets(union, splitCount);
            }
        }
        int owned = 0;
        for (int j = subtask; j < splitCount; j += parallelism) {
            owned++;
        }
        int[] ids = new int[owned];
        long[] next = new long[owned];
        int k = 0;
        for (int j = subtask; j < splitCount; j += parallelism) {
            ids[k] = j;
            next[k] = offsets == null || offsets[j] < 0 ? j : offsets[j];
            if (offsets != null && offsets[j] < 0) {
                LOG.warn("split {} is in no previous state; it starts from its beginning", j);
            }
            k++;
        }
        return new GeneratorSplits(splitCount, ids, next);
    }

    private static long[] unionOffsets(List<byte[]> states, int splitCount) {
        long[] offsets = new long[splitCount];
        Arrays.fill(offsets, -1);
        for (byte[] state : states) {
            ByteBuffer in = ByteBuffer.wrap(state);
            int version = in.getInt();
            if (version != VERSION) {
                throw new IllegalStateException("unknown generator state version " + version);
            }
            int stateSplits = in.getInt();
            if (stateSplits != splitCount) {
                throw new IllegalStateException(
                        "previous subtasks disagree on the split count: " + stateSplits + " vs " + splitCount);
            }
            int n = in.getInt();
            for (int e = 0; e < n; e++) {
                int split = in.getInt();
                long offset = in.getLong();
                if (offsets[split] >= 0) {
                    throw new IllegalStateException("split " + split + " is in two previous states");
                }
                offsets[split] = offset;
            }
        }
        return offsets;
    }

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(12 + splitIds.length * 12);
        out.putInt(VERSION).putInt(splitCount).putInt(splitIds.length);
        for (int k = 0; k < splitIds.length; k++) {
            out.putInt(splitIds[k]).putLong(next[k]);
        }
        return out.array();
    }
}
