package dev.weir.runtime.exec.operators;

import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.TaskMailbox;
import dev.weir.runtime.state.KeyedStateBackend;

/**
 * The timers of one keyed operator. Both domains are keyed state (snapshotted per key group, so
 * they move with their keys on rescale). Processing-time timers fire in a mail on the task thread
 * when the clock reaches them; event-time timers fire when the operator's input watermark reaches
 * them, in the same call that brought the watermark, before it is forwarded.
 */
final class InternalTimerService<K> {

    /** Keeps the processing-time timers' part name of earlier snapshots. */
    static final String PROCESSING_TIME_TIMERS = "_timers";
    static final String EVENT_TIME_TIMERS = "_event_timers";

    interface Triggerable<K> {
        void onTimer(K key, long timestamp) throws Exception;
    }

    private final ProcessingTimeService timeService;
    private final TaskMailbox mailbox;
    private final TimerQueue<K> processingTimeTimers;
    private final TimerQueue<K> eventTimeTimers;
    private final TimerQueue.Triggerable<K> processingTimeTarget;
    private final TimerQueue.Triggerable<K> eventTimeTarget;
    private long scheduledWakeUp = Long.MAX_VALUE;
    private long currentWatermark = Long.MIN_VALUE;

    InternalTimerService(KeyedStateBackend<K> backend, ProcessingTimeService timeService,
                         TaskMailbox mailbox, Triggerable<K> processingTimeTarget) {
        this(backend, timeService, mailbox, processingTimeTarget, (key, timestamp) -> {});
    }

    InternalTimerService(KeyedStateBackend<K> backend, ProcessingTimeService timeService, TaskMailbox mailbox,
                         Triggerable<K> processingTimeTarget, Triggerable<K> eventTimeTarget) {
        this.timeService = timeService;
        this.mailbox = mailbox;
        this.processingTimeTimers = TimerQueue.create(PROCESSING_TIME_TIMERS, backend);
        this.eventTimeTimers = TimerQueue.create(EVENT_TIME_TIMERS, backend);
        this.processingTimeTarget = processingTimeTarget::onTimer;
        this.eventTimeTarget = eventTimeTarget::onTimer;
        backend.registerPart(processingTimeTimers);
        backend.registerPart(eventTimeTimers);
    }

    long currentProcessingTime() {
        return timeService.currentProcessingTime();
    }

    long currentWatermark() {
        return currentWatermark;
    }

    void register(long timestamp) {
        if (processingTimeTimers.register(timestamp)) {
            scheduleWakeUp(timestamp);
        }
    }

    void delete(long timestamp) {
        processingTimeTimers.delete(timestamp);
    }

    void registerEventTime(long timestamp) {
        eventTimeTimers.register(timestamp);
    }

    void deleteEventTime(long timestamp) {
        eventTimeTimers.delete(timestamp);
    }

    private void scheduleWakeUp(long timestamp) {
        if (timestamp < scheduledWakeUp) {
            scheduledWakeUp = timestamp;
            timeService.scheduleAt(timestamp, () -> mailbox.put(this::fireDueTimers));
        }
    }

    /** Fires every processing-time timer due now, on the task thread; re-arms for the next one. */
    void fireDueTimers() throws Exception {
        scheduledWakeUp = Long.MAX_VALUE;
        processingTimeTimers.fireUpTo(timeService.currentProcessingTime(), processingTimeTarget);
        long next = processingTimeTimers.nextTimestamp();
        if (next != Long.MAX_VALUE) {
            scheduleWakeUp(next);
        }
    }

    /** The input watermark advanced: fires the event-time timers it passed. */
    void advanceWatermark(long watermark) throws Exception {
        if (watermark > currentWatermark) {
            currentWatermark = watermark;
            eventTimeTimers.fireUpTo(watermark, eventTimeTarget);
        }
    }

    /**
     * End of input: every processing-time timer still pending fires now, in timestamp order, as
     * if the clock had reached it. Timers registered while they fire are dropped: a function
     * that re-arms itself would otherwise never let the job end.
     */
    void fireAllProcessingTimeTimers() throws Exception {
        processingTimeTimers.fireAllAndDrop(processingTimeTarget);
    }

    /** After a restore: arm the wake-up for the earliest restored processing-time timer. */
    void start() {
        long next = processingTimeTimers.nextTimestamp();
        if (next != Long.MAX_VALUE) {
            scheduleWakeUp(next);
        }
    }
}
