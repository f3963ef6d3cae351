package dev.weir.coordinator.rest;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import dev.weir.coordinator.metrics.SubtaskMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * The coordinator's Prometheus metrics of the jobs it runs (docs/rest-api.md#metrics), served at
 * {@code GET /metrics}: job state, restarts and checkpoints, and per subtask the records and
 * time split the workers' heartbeats carry. Every scrape reads each job's overview once and the
 * meters answer from it; subtasks get their meters when they first report.
 */
public final class PrometheusJobMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, RestJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, JobOverview> latest = new ConcurrentHashMap<>();
    private final Map<String, SubtaskMetrics> subtasks = new ConcurrentHashMap<>();
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
            if (overview.graph() == null) {
                return;
            }
            for (VertexView vertex : overview.graph().vertices()) {
                for (SubtaskMetrics m : vertex.subtasks()) {
                    String key = name + "\u0000" + m.task() + "\u0000" + m.subtask();
                    subtasks.put(key, m);
                    if (registered.add(key)) {
                        registerSubtask(key, Tags.of("job", name, "task", m.task(), "task_name",
                                String.join(" -> ", vertex.operatorNames()), "subtask",
                                Integer.toString(m.subtask())), vertex.source());
                    }
                }
            }
        });
    }

    private void registerSubtask(String key, Tags tags, boolean source) {
        subtaskCounter("weir.task.records.in", null, tags, key, SubtaskMetrics::recordsIn,
                "Records the subtask read (a source: from the external system)");
        subtaskCounter("weir.task.records.out", null, tags, key, SubtaskMetrics::recordsOut,
                "Records the subtask emitted downstream or its sinks wrote");
        subtaskCounter("weir.task.busy.time", "seconds", tags, key, m -> m.busyMs() / 1000.0,
                "Running time neither idle nor back-pressured (Flink's busy time)");
        subtaskCounter("weir.task.back.pressured.time", "seconds", tags, key, m -> m.backPressuredMs() / 1000.0,
                "Time waiting for room in an output channel");
        subtaskCounter("weir.task.idle.time", "seconds", tags, key, m -> m.idleMs() / 1000.0,
                "Time waiting for input");
        Gauge.builder("weir.task.watermark.lag", subtasks, all -> {
            SubtaskMetrics m = all.get(key);
            return m == null || m.watermarkLagMs() == null ? Double.NaN : m.watermarkLagMs() / 1000.0;
        }).tags(tags).baseUnit("seconds")
                .description("How far the subtask's watermark is behind the coordinator's clock (0 after the end of input)")
                .register(registry);
        if (!source) {
            return;
        }
        Gauge.builder("weir.source.pending.records", subtasks, all -> {
            SubtaskMetrics m = all.get(key);
            return m == null || m.pendingRecords() == null ? Double.NaN : m.pendingRecords();
        }).tags(tags).description("A source's records not read yet from the external system (Kafka: consumer lag)")
                .register(registry);
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

    private void subtaskCounter(String name, String unit, Tags tags, String key, ToDoubleFunction<SubtaskMetrics> value,
                                String description) {
        FunctionCounter.builder(name, subtasks, all -> {
            SubtaskMetrics m = all.get(key);
            return m == null ? 0 : value.applyAsDouble(m);
        }).tags(tags).baseUnit(unit).description(description).register(registry);
    }
}
