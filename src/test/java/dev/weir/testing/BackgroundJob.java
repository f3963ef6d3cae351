package dev.weir.testing;

import java.util.concurrent.CompletableFuture;

import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;

/** Runs a job master on another thread, so a test can strike the job while it runs. */
public final class BackgroundJob {

    private BackgroundJob() {}

    public static CompletableFuture<JobResult> run(JobMaster master) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return master.run(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }
}
