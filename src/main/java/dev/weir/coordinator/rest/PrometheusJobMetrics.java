package dev.weir.coordinator.rest;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * The coordinator's Prometheus metrics of the jobs it runs (docs/rest-api.md#metrics), served at
 * {@code GET /metrics}: job state, restarts and checkpoints as a whole and per task. The
 * per-subtask figures (records, time split, watermark lag, pending records) are the workers' own
 * metrics, on each worker's endpoint ({@code dev.weir.runtime.worker.WorkerPrometheusMetrics}):
 * exported there only, so no series comes from both. Every scrape reads each job's overview once
 * and the meters answer from it.
 */
public final class PrometheusJobMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, RestJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, JobOverview> latest = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    public void add(String jobName, RestJob job) {
        jobs.put(jobName, job);
        Tags tags = Tags.of("job", jobName);
        jobGauge("weir.job.uptime", "seconds", tags, jobName, o -> o.uptimeMs() / 1000.0,
                "Time since the job was submitted");
        jobGauge("weir.job.attempt", null, tags, jobName, JobOverview::attempt, "The attempt running now");
        jobGauge("weir.job.running", null, tags, jobName, o -> o.state().equals("RUNNING") ? 1 : 0,
                "1 while every worker of the current attempt registered and the job runs");
        jobCounter("weir.job.restarts", tags, jobName, JobOverview::restarts, "Restarts after a failed attempt");
        jobCounter("weir.checkpoints.completed", tags, jobName, o -> o.checkpoints().completed(),
                "Checkpoints completed (savepoints not counted)");
        jobCounter("weir.checkpoints.failed", tags, jobName, o -> o.checkpoints().failed(),
                "Checkpoints and savepoints that failed or were aborted");
        jobGauge("weir.checkpoints.in.progress", null, tags, jobName, o -> o.checkpoints().inProgress(),
                "Checkpoints and savepoints pending");
        lastCheckpointGauge("weir.checkpoint.last.duration", "seconds", tags, jobName, c -> c.durationMs() / 1000.0,
                "Duration of the latest completed checkpoint, trigger to last acknowledgement");
        lastCheckpointGauge("weir.checkpoint.last.size", "bytes", tags, jobName, CheckpointEntry::sizeBytes,
                "State size of the latest completed checkpoint");
        lastCheckpointGauge("weir.checkpoint.last.alignment", "seconds", tags, jobName,
                c -> c.alignmentMsMax() / 1000.0, "The slowest subtask's alignment in the latest checkpoint");
        lastCheckpointGauge("weir.checkpoint.last.sync", "seconds", tags, jobName, c -> c.syncMsMax() / 1000.0,
                "The slowest subtask's synchronous snapshot time in the latest checkpoint");
        lastCheckpointGauge("weir.checkpoint.last.async", "seconds", tags, jobName, c -> c.asyncMsMax() / 1000.0,
                "The slowest subtask's asynchronous upload time in the latest checkpoint");
    }

    public void remove(String jobName) {
        jobs.remove(jobName);
        latest.remove(jobName);
    }

    /** Every meter in Prometheus's text format, as of now. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    private void refresh() {
        jobs.forEach((name, job) -> {
            JobOverview overview = job.overview();
            latest.put(name, overview);
            CheckpointEntry checkpoint = overview.checkpoints().latestCompleted();
            if (checkpoint != null) {
                for (TaskCheckpointEntry task : checkpoint.tasks()) {
                    if (registered.add(name + "\u0000" + task.name())) {
                        registerTaskCheckpoint(name, task.name());
                    }
                }
            }
        });
    }

    private void registerTaskCheckpoint(String job, String task) {
        Tags tags = Tags.of("job", job, "task", task);
        lastCheckpointGauge("weir.checkpoint.state.size", "bytes", tags, job, c -> taskFigure(c, task,
                TaskCheckpointEntry::sizeBytes), "The task's state in the latest completed checkpoint, all subtasks");
        lastCheckpointGauge("weir.checkpoint.duration", "seconds", tags, job, c -> taskFigure(c, task,
                t -> t.durationMs() / 1000.0), "Trigger to the task's last acknowledgement in the latest completed checkpoint");
    }

    private static double taskFigure(CheckpointEntry checkpoint, String task, ToDoubleFunction<TaskCheckpointEntry> value) {
        TaskCheckpointEntry entry = checkpoint.task(task);
        return entry == null ? Double.NaN : value.applyAsDouble(entry);
    }

    private void jobGauge(String name, String unit, Tags tags, String job, ToDoubleFunction<JobOverview> value,
                          String description) {
        Gauge.builder(name, latest, all -> {
            JobOverview o = all.get(job);
            return o == null ? Double.NaN : value.applyAsDouble(o);
        }).tags(tags).baseUnit(unit).description(description).register(registry);
    }

    private void jobCounter(String name, Tags tags, String job, ToDoubleFunction<JobOverview> value,
                            String description) {
        FunctionCounter.builder(name, latest, all -> {
            JobOverview o = all.get(job);
            return o == null ? 0 : value.applyAsDouble(o);
        }).tags(tags).description(description).register(registry);
    }

    private void lastCheckpointGauge(String name, String unit, Tags tags, String job,
                                     ToDoubleFunction<CheckpointEntry> value, String description) {
        jobGauge(name, unit, tags, job, o -> o.checkpoints().latestCompleted() == null ? Double.NaN
                : value.applyAsDouble(o.checkpoints().latestCompleted()), description);
    }
}
