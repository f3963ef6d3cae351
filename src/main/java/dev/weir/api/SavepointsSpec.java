package dev.weir.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/**
 * How many savepoints status remembers, and which of them to dispose of. Disposal is declarative
 * (a list of paths, not a nonce): the request stays visible in the spec, survives operator
 * restarts and GitOps re-applies, and one the operator must refuse for now (the latest savepoint,
 * the one the job restored from) is carried out once it is safe.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SavepointsSpec {

    public static final int DEFAULT_HISTORY_MAX_COUNT = 10;
    public static final int MAX_HISTORY_MAX_COUNT = 100;
    public static final int MAX_DISPOSE = 100;

    @JsonPropertyDescription("How many savepoints status.savepointHistory keeps, newest first (as Flink's"
            + " kubernetes.operator.savepoint.history.max.count). Older entries leave the history, not the"
            + " storage. 1 to " + MAX_HISTORY_MAX_COUNT + ". Default " + DEFAULT_HISTORY_MAX_COUNT + ".")
    @Min(1)
    @Max(MAX_HISTORY_MAX_COUNT)
    private int historyMaxCount = DEFAULT_HISTORY_MAX_COUNT;

    @JsonPropertyDescription("Paths of savepoints in status.savepointHistory whose files the operator deletes"
            + " from the job's storage; the entry is then marked with disposedTime. The latest savepoint and"
            + " anything the job restored from or would restore from are refused (condition SavepointDisposal)"
            + " until that is no longer so.")
    @Size(max = MAX_DISPOSE)
    private List<String> dispose = new ArrayList<>();

    public int getHistoryMaxCount() {
        return historyMaxCount;
    }

    public void setHistoryMaxCount(int historyMaxCount) {
        this.historyMaxCount = historyMaxCount;
    }

    public List<String> getDispose() {
        return dispose;
    }

    public void setDispose(List<String> dispose) {
        this.dispose = dispose;
    }
}
