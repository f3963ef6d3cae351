package dev.weir.runtime.exec;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The task thread's inbox: checkpoint triggers, completion notifications, timers and control
 * actions are queued here by other threads and run on the task thread between records, so they
 * never race with record processing. Also the place the task thread sleeps when it has no work.
 */
public final class TaskMailbox {

    /** An action run on the task thread. */
    @FunctionalInterface
    public interface Mail {
        void run() throws Exception;
    }

    private final ConcurrentLinkedQueue<Mail> mails = new ConcurrentLinkedQueue<>();
    private volatile Thread taskThread;

    public void bindToCurrentThread() {
        taskThread = Thread.currentThread();
    }

    public void put(Mail mail) {
        mails.offer(mail);
        wakeUp();
    }

    /** Wakes the task thread if it is idle (new input or new mail). */
    public void wakeUp() {
        Thread thread = taskThread;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    public boolean hasMail() {
        return !mails.isEmpty();
    }

    /** Runs every queued mail; returns how many ran. */
    public int runAll() throws Exception {
        int ran = 0;
        Mail mail;
        while ((mail = mails.poll()) != null) {
            mail.run();
            ran++;
        }
        return ran;
    }

    /** Idles until woken or the timeout passes; returns at once if mail is waiting. */
    public void idle(long timeoutNanos) {
        if (mails.isEmpty()) {
            LockSupport.parkNanos(this, timeoutNanos);
        }
    }
}
