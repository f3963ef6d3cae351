package dev.weir.runtime.state;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a heap snapshot captured at its barrier: the parts, and what to run once they have been
 * written or dropped ({@link SnapshotVersions#released}); released once, whoever gets there first.
 */
final class CapturedParts {

    private final List<KeyGroupedStatePart.CapturedPart> parts;
    private final Runnable onRelease;
    private final AtomicBoolean released = new AtomicBoolean();

    CapturedParts(List<KeyGroupedStatePart.CapturedPart> parts, Runnable onRelease) {
        this.parts = parts;
        this.onRelease = onRelease;
    }

    List<KeyGroupedStatePart.CapturedPart> parts() {
        return parts;
    }

    void release() {
        if (released.compareAndSet(false, true)) {
            for (KeyGroupedStatePart.CapturedPart part : parts) {
                part.release();
            }
            onRelease.run();
        }
    }
}
