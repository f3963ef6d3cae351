package dev.weir.runtime.worker;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Which worker of which attempt a worker process is, and what that attempt restores: the part of
 * a worker's configuration that only exists once an attempt starts. A freshly started worker reads
 * it from its environment with the rest; a standby worker ({@link StandbyAssignment}) is started
 * with the job's part only and gets this later as one line: a JSON object of the same
 * {@link WorkerVariable}s, so both ways share one contract.
 *
 * @param restoreFrom the checkpoint or savepoint to restore; null: a fresh start
 */
public record WorkerAssignment(int worker, long attempt, String restoreFrom) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code WEIR_WORKER_INDEX}, {@code WEIR_ATTEMPT} and {@code WEIR_RESTORE_FROM}. */
    public static WorkerAssignment fromEnvironment(Function<String, String> env) {
        return new WorkerAssignment(number(env, WorkerVariable.WORKER_INDEX), number(env, WorkerVariable.ATTEMPT),
                blankAsNull(env.apply(WorkerVariable.RESTORE_FROM.envName())));
    }

    /** The assignment as the one line a standby worker reads. */
    public String toLine() {
        try {
            return JSON.writeValueAsString(writeTo(new WorkerEnvironment()).asText());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an assignment as JSON", e);
        }
    }

    /** Reads {@link #toLine()}'s form; errors name what is wrong. */
    public static WorkerAssignment fromLine(String line) {
        Map<String, String> variables;
        try {
            variables = JSON.readValue(line, new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("an assignment must be one JSON object of strings: " + e.getMessage());
        }
        return fromEnvironment(variables::get);
    }

    /** Writes the assignment's variables. */
    public WorkerEnvironment writeTo(WorkerEnvironment env) {
        return env.worker(worker, attempt).restoreFrom(restoreFrom);
    }

    private static int number(Function<String, String> env, WorkerVariable variable) {
        String value = blankAsNull(env.apply(variable.envName()));
        if (value == null) {
            throw new IllegalArgumentException(variable.envName() + " is not set");
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable.envName() + " must be an integer (got \"" + value + "\")");
        }
    }

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
