package dev.weir.coordinator.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.coordinator.SubtaskCheckpointStats;

/**
 * One task's part of a completed checkpoint, as the REST API shows it.
 *
 * @param sizeBytes the state its subtasks acknowledged, summed
 * @param durationMs from the trigger until its last subtask's acknowledgement
 */
public record TaskCheckpointEntry(String name, long sizeBytes, long durationMs, List<SubtaskCheckpointStats> subtasks) {

    /** The subtasks' figures grouped by task, in their order. */
    static List<TaskCheckpointEntry> of(List<SubtaskCheckpointStats> subtasks) {
        Map<String, List<SubtaskCheckpointStats>> byTask = new LinkedHashMap<>();
        for (SubtaskCheckpointStats s : subtasks) {
            byTask.computeIfAbsent(s.task(), t -> new ArrayList<>()).add(s);
        }
        List<TaskCheckpointEntry> tasks = new ArrayList<>();
        byTask.forEach((name, mine) -> tasks.add(new TaskCheckpointEntry(name,
                mine.stream().mapToLong(SubtaskCheckpointStats::stateSize).sum(),
                mine.stream().mapToLong(SubtaskCheckpointStats::ackMs).max().orElse(0), List.copyOf(mine))));
        return tasks;
    }
}
