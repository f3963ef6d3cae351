package dev.weir.coordinator;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks decided under the coordinator's lock and run after it is released, in order, so a
 * gateway or listener that calls back into the coordinator from another thread cannot deadlock.
 */
final class DeferredActions {

    private static final Logger LOG = LoggerFactory.getLogger(DeferredActions.class);

    private final List<Runnable> actions = new ArrayList<>();

    void add(Runnable action) {
        actions.add(action);
    }

    /** Must be called without the lock; one failing callback must not keep the others from running. */
    void runAll() {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("Checkpoint callback failed", e);
            }
        }
        actions.clear();
    }
}
